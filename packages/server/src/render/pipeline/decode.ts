// Opening stored source bytes in sharp, bounded like uploads, and turning
// sharp's failures into origo errors.

import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp';
import { isOrigoError, OrigoError } from '../../errors.ts';

/**
 * Warnings are tolerated (the image passed the upload probe, and a browser
 * would show it); decode errors and truncation are not.
 */
const FAIL_ON = 'error';

function decodeOptions(maxPixels: number, extra: SharpOptions = {}): SharpOptions {
  return { limitInputPixels: maxPixels, failOn: FAIL_ON, sequentialRead: true, ...extra };
}

export function open(source: Buffer, maxPixels: number, extra: SharpOptions = {}): Sharp {
  return sharp(source, decodeOptions(maxPixels, extra));
}

export async function header(source: Buffer, hash: string): Promise<Metadata> {
  try {
    return await sharp(source, { failOn: 'none', limitInputPixels: false }).metadata();
  } catch (err) {
    throw renderFailure(err, hash);
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]!.trim() : String(err);
}

/**
 * What a failure while rendering means to the client. A source over the
 * render's input pixel limit is the request's fault (400). Anything else
 * sharp refuses is the server's: every stored image was decoded when it was
 * uploaded, so a source that no longer decodes is damaged storage or a
 * libvips fault, not a bad request (500, ORIGO_ERR_SERVER_INTERNAL, naming
 * the image and sharp's reason so an operator can find it).
 */
export function renderFailure(err: unknown, hash: string): OrigoError {
  if (isOrigoError(err)) return err;
  const why = reason(err);
  if (/exceeds pixel limit/i.test(why)) {
    return new OrigoError(
      'ORIGO_ERR_RENDER_TOO_MANY_PIXELS',
      `Image ${hash} has more pixels than a render may decode (${why})`,
      { cause: err },
    );
  }
  return new OrigoError('ORIGO_ERR_SERVER_INTERNAL', `Rendering image ${hash} failed: ${why}`, { cause: err });
}
