// Which renders must be signed (spec §7), and what an unsigned or badly
// signed one is answered. A signature is checked only where protection asks
// for one: an unprotected render is a public URL whatever its query says.

import { OrigoError } from '../errors.ts';
import { signedUntil, verifyRenderSignature } from '../render/signing.ts';

export interface Protection {
  /** The source image is protected. */
  image: boolean;
  /** The stack option `protected` is set. */
  stack: boolean;
  /** A dynamic render in an organization with protect_dynamic_stack. */
  dynamic: boolean;
}

export interface SignedRequest {
  /** The path as the client sent (and signed) it. */
  pathname: string;
  rawQuery: string;
}

/** Why a render needs a signature, for the message; undefined when it needs none. */
function reasonFor(protection: Protection): string | undefined {
  if (protection.image) return 'the image is protected';
  if (protection.stack) return 'the stack is protected';
  if (protection.dynamic) return 'the organization protects dynamic renders (protect_dynamic_stack)';
  return undefined;
}

/**
 * Throws unless the render may be served. `keys` gives the organization's
 * signing keys; it is asked only when a signature is needed. Answers the
 * expiry of a signature that was needed and says one (sigopts.until), so
 * the answer is not cached past it.
 */
export async function checkProtection(
  protection: Protection,
  request: SignedRequest,
  keys: () => Promise<string[]>,
  now: Date,
): Promise<Date | undefined> {
  const reason = reasonFor(protection);
  if (reason === undefined) return undefined;
  const verdict = verifyRenderSignature(request.pathname, request.rawQuery, await keys(), now);
  switch (verdict) {
    case 'valid':
      return signedUntil(request.rawQuery);
    case 'unsigned':
      throw new OrigoError(
        'ORIGO_ERR_RENDER_SIGNATURE_REQUIRED',
        `This render must be signed: ${reason}. Sign the URL with the organization's signing key (POST /utils/{org}/sign_url, or rokka.js render.signUrl)`,
      );
    case 'expired':
      throw new OrigoError(
        'ORIGO_ERR_RENDER_SIGNATURE_EXPIRED',
        `The signature of this render has expired (sigopts "until" has passed); ${reason}, so sign the URL again`,
      );
    case 'invalid':
      throw new OrigoError(
        'ORIGO_ERR_RENDER_BAD_SIGNATURE',
        `The signature of this render does not match the URL; ${reason}, so sign exactly this path and query (without "sig") with the organization's signing key`,
      );
  }
}
