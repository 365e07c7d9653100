// Refusing an SVG whose real size is over the pixel limit, or unknown,
// before anything renders it.

import type { FileHandle } from 'node:fs/promises';
import { OrigoError } from '../errors.ts';
import { SVG_HEAD_BYTES, svgDeclaredSize, svgHeadText } from '../images/svg-size.ts';
import { readAt } from './file-window.ts';
import { formatCount } from './wording.ts';

/**
 * librsvg reports a size beyond 2^31 pixels as 1 x 1: check the size the
 * root element declares (see images/svg-size.ts), whatever the file starts with
 * (sharp also reads gzipped SVG, and text after leading white space).
 * `width` x `height` is what sharp reported.
 */
export async function checkSvgDeclaredSize(
  fh: FileHandle,
  size: number,
  file: string,
  maxPixels: number,
  width: number,
  height: number,
): Promise<void> {
  const declared = svgDeclaredSize(await svgHeadText(await readAt(fh, 0, Math.min(size, SVG_HEAD_BYTES))));
  if (declared?.fromDoctype !== undefined) {
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      `File ${file} is an SVG image whose size can be set by ${declared.fromDoctype}, which this server does not ` +
        'expand to check the size; write the width and height into the root <svg> element instead before uploading',
    );
  }
  if (declared?.width !== undefined || declared?.height !== undefined) {
    const declaredWidth = Math.ceil(declared.width ?? 1);
    const declaredHeight = Math.ceil(declared.height ?? 1);
    if (declaredWidth * declaredHeight > maxPixels) {
      const shown =
        declared.width !== undefined && declared.height !== undefined
          ? `${formatCount(declaredWidth)} x ${formatCount(declaredHeight)} pixels (${formatCount(declaredWidth * declaredHeight)} pixels)`
          : declared.width !== undefined
            ? `a width of ${formatCount(declaredWidth)} pixels`
            : `a height of ${formatCount(declaredHeight)} pixels`;
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
        `File ${file} is an SVG image whose root element declares ${shown} (from its width, height, viewBox and style); ` +
          `the limit is ${formatCount(maxPixels)} pixels per image, so give it a smaller size before uploading`,
      );
    }
  }
  // The backstop: a size librsvg could not hold also comes back as 1 x 1,
  // from places not read here (a <style> element, say). A real 1-pixel
  // dimension is one the root element declares.
  const unconfirmed = (reported: number, text: number | undefined) =>
    reported <= 1 && !(text !== undefined && Math.abs(text - reported) < 1);
  if (unconfirmed(width, declared?.width) || unconfirmed(height, declared?.height)) {
    const says =
      declared === undefined
        ? `no root <svg> element was found in its first ${formatCount(SVG_HEAD_BYTES / 1024)} KiB`
        : `its root element declares ${declared.width === undefined ? 'no width' : `a width of ${formatCount(declared.width)}`} and ` +
          `${declared.height === undefined ? 'no height' : `a height of ${formatCount(declared.height)}`}`;
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      `File ${file} is an SVG image that reads as ${width} x ${height} pixels, but ${says}; librsvg gives that size ` +
        'to images too large for it, so the real size is unknown: set width and height in pixels on the root <svg> element before uploading',
    );
  }
}
