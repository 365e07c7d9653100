// Percent-decoding of path pieces, with rokka's "unset" marker.

import { OrigoError } from '../../errors.ts';

/**
 * rokka-render writes every falsy option value (undefined, null, 0, false) as
 * this literal; it means "not set", so the key is dropped.
 */
export const UNSET = '__undefined__';

/** Percent-decodes one piece of the path; `context` says where it sits, for the message. */
export function decodePiece(piece: string, context: string): string {
  try {
    return decodeURIComponent(piece);
  } catch {
    throw new OrigoError('ORIGO_ERR_RENDER_BAD_URL', `"${piece}" in ${context} is not valid percent-encoding.`);
  }
}

/** Decodes when it can, else keeps the text: for parts of the path that are ignored anyway. */
export function decodeLeniently(piece: string): string {
  try {
    return decodeURIComponent(piece);
  } catch {
    return piece;
  }
}
