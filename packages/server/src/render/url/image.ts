// The end of a render path: `{hash}.{format}` or `{hash}/{seo-name}.{format}`.

import { OrigoError } from '../../errors.ts';
import { isHashLike } from '../../images/hash.ts';
import { decodeLeniently, decodePiece } from './decode.ts';

export interface RenderImage {
  /** Lower-case hex, 6–40 characters. */
  hash: string;
  /** The extension, lower-cased; the normalizer checks it. */
  format: string;
  cacheBuster: string | undefined;
  /** How many of the elements before the image are segments (the rest is the image and its SEO name). */
  segmentCount: number;
}

function bad(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_RENDER_BAD_URL', message);
}

/**
 * Reads the image from the elements after the stack name (empty elements
 * already dropped). The last element carries the extension. When its stem is
 * a hash, that is the image; otherwise it is an SEO name, ignored, and the
 * element before it must be the hash.
 *
 * Cache buster: rokka documents `/{stack}/{hash}/v1.jpg` and
 * `/{stack}/{hash}/some_name-v1.jpg` — a `v<digits>` at the very end of the
 * *filename* part after the hash. A hash element cannot carry one
 * (`{hash}v1` is not hex, so it reads as an SEO name with no hash before
 * it), so only an SEO name is looked at.
 */
export function parseRenderImage(elements: string[]): RenderImage {
  const last = elements[elements.length - 1];
  if (last === undefined) throw bad('The render path names no image: expected …/{hash}.{format}.');
  const dot = last.lastIndexOf('.');
  if (dot < 0) throw bad(`"${last}" has no extension: expected …/{hash}.{format}, e.g. …/${last}.jpg.`);
  const format = decodePiece(last.slice(dot + 1), `the extension of "${last}"`).toLowerCase();
  if (format === '') throw bad(`"${last}" has an empty extension: expected …/{hash}.{format}.`);
  const stem = decodeLeniently(last.slice(0, dot));

  if (isHashLike(stem)) {
    return { hash: stem.toLowerCase(), format, cacheBuster: undefined, segmentCount: elements.length - 1 };
  }

  const before = elements[elements.length - 2];
  if (before === undefined) {
    throw bad(`"${stem}" is not an image hash (6 to 40 hex characters) and no hash comes before it.`);
  }
  const hash = decodeLeniently(before);
  if (!isHashLike(hash)) {
    throw bad(
      `"${before}" before the file name "${last}" is not an image hash (6 to 40 hex characters): ` +
        'expected …/{hash}/{name}.{format}.',
    );
  }
  const buster = /v([0-9]+)$/.exec(stem);
  return {
    hash: hash.toLowerCase(),
    format,
    cacheBuster: buster === null ? undefined : buster[1],
    segmentCount: elements.length - 2,
  };
}
