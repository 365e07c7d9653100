// The image formats the probe knows: their rokka names and MIME types, which
// of them this sharp build reads, and the kind of a header sharp has read.

import sharp, { type FormatEnum, type Metadata } from 'sharp';
import { OrigoError } from '../errors.ts';

export interface Kind {
  format: string;
  mimetype: string;
  /** How to name the format in messages. */
  name: string;
}

export const KINDS: Record<string, Kind> = {
  jpg: { format: 'jpg', mimetype: 'image/jpeg', name: 'JPEG' },
  png: { format: 'png', mimetype: 'image/png', name: 'PNG' },
  gif: { format: 'gif', mimetype: 'image/gif', name: 'GIF' },
  webp: { format: 'webp', mimetype: 'image/webp', name: 'WebP' },
  svg: { format: 'svg', mimetype: 'image/svg+xml', name: 'SVG' },
  tiff: { format: 'tiff', mimetype: 'image/tiff', name: 'TIFF' },
  heic: { format: 'heic', mimetype: 'image/heic', name: 'HEIC' },
  avif: { format: 'avif', mimetype: 'image/avif', name: 'AVIF' },
  jxl: { format: 'jxl', mimetype: 'image/jxl', name: 'JPEG XL' },
  pdf: { format: 'pdf', mimetype: 'application/pdf', name: 'PDF' },
  jp2: { format: 'jp2', mimetype: 'image/jp2', name: 'JPEG 2000' },
};

/** Which sharp input format reads each origo format. */
const SHARP_INPUT: Record<string, keyof FormatEnum> = {
  jpg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  svg: 'svg',
  tiff: 'tiff',
  heic: 'heif',
  avif: 'heif',
  jxl: 'jxl',
  pdf: 'pdf',
  jp2: 'jp2',
};

export function canRead(format: string): boolean {
  const input = SHARP_INPUT[format];
  return input !== undefined && sharp.format[input]?.input.file === true;
}

/** The origo formats this sharp build can read, for messages. */
export const READABLE = Object.keys(KINDS).filter(canRead);

/** Formats whose pages are frames of one canvas (decoded together for opacity). */
export const ANIMATION_FORMATS = new Set(['gif', 'webp']);
/** Formats the probe never renders: costly and able to reference outside resources. */
export const NEVER_DECODE = new Set(['svg', 'pdf']);

export function kindOf(meta: Metadata, file: string): Kind {
  // Typed loosely: the C++ side knows more names than FormatEnum lists.
  const format: string = meta.format;
  let key: string | undefined;
  switch (format) {
    case 'jpeg':
    case 'uhdr':
      key = 'jpg';
      break;
    case 'heif':
      key = meta.compression === 'av1' ? 'avif' : 'heic';
      break;
    case 'jp2':
    case 'jp2k':
      key = 'jp2';
      break;
    case 'png':
    case 'gif':
    case 'webp':
    case 'svg':
    case 'tiff':
    case 'pdf':
    case 'jxl':
      key = format;
      break;
    default:
      key = undefined;
  }
  const kind = key === undefined ? undefined : KINDS[key];
  if (kind === undefined) {
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      `File ${file} is a ${format} file, which is not a supported image format; ` +
        `upload one of: ${READABLE.join(', ')}`,
    );
  }
  return kind;
}
