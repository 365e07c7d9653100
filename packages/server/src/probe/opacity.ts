// Does an image with an alpha channel use it? Answered with as little
// decoding, and as little memory, as the answer allows.
//
// sharp's stats() decodes the whole image into memory first (8 bytes a pixel
// for RGBA; 800 MiB and 16 s of CPU for a 14000 x 14000 PNG that compresses to
// a few MB), whatever the pipeline says. Instead, only the alpha channel is
// decoded, with sequential access (libvips then streams the file through a
// small line cache rather than loading it whole):
//
// 1. the top rows of the first frame, about a million pixels: most images
//    that use their alpha channel do so there (transparent backgrounds and
//    corners), and libvips stops reading the file where the strip ends;
// 2. if those rows are opaque, the whole alpha channel (one byte a pixel),
//    but only up to a budget of pixels; above it the answer is "not opaque"
//    without decoding more. "Not opaque" is always safe: it only means the
//    alpha channel is kept when the image is rendered.
//
// Only some decoders read line by line (PNG, GIF, TIFF; JPEG streams too but
// never has an alpha channel, so it never gets here). The others (WebP,
// HEIC, AVIF, JPEG XL, JPEG 2000) decode a whole frame into memory whatever
// is asked of them: a 3 KB 12000 x 12000 AVIF took 2.5 GiB and 11 s, a 5 KB
// WebP of that size 1.2 GiB. Those are decoded only up to a much smaller
// budget, and not at all above it.

import sharp from 'sharp';

/** Pixels in the first strip read (the top rows of the first frame). */
export const FIRST_STRIP_PIXELS = 1024 * 1024;
/**
 * Most pixels (all frames together) whose alpha channel is read in full: as
 * many bytes of memory, ~0.5 s of CPU. Above it, an image whose first strip
 * is opaque is reported "not opaque" unread.
 */
export const OPACITY_PIXEL_BUDGET = 50_000_000;
/**
 * The same for formats decoded whole: AVIF needs ~19 bytes a pixel while
 * decoding (8 M pixels: ~155 MB, ~2 s), WebP ~8.
 */
export const WHOLE_DECODE_PIXEL_BUDGET = 8_000_000;

/** origo formats whose libvips loader streams: a strip read decodes only the strip. */
const STREAMED_FORMATS = new Set(['png', 'gif', 'tiff']);

export interface AlphaSource {
  path: string;
  /** origo format name ('png', 'webp', ...). */
  format: string;
  width: number;
  /** Height of one frame. */
  frameHeight: number;
  /** Frames to check (1 unless the format animates). */
  frames: number;
  /** sharp's limitInputPixels: a header that lied about its size fails the decode. */
  maxPixels: number;
  /** Default OPACITY_PIXEL_BUDGET, or WHOLE_DECODE_PIXEL_BUDGET for formats decoded whole. */
  budget?: number;
}

/** True when every alpha value is at its maximum. Throws sharp's error when the pixel data cannot be decoded. */
export async function alphaIsOpaque(source: AlphaSource): Promise<boolean> {
  const { path, format, width, frameHeight, frames, maxPixels } = source;
  const streamed = STREAMED_FORMATS.has(format);
  const budget = source.budget ?? (streamed ? OPACITY_PIXEL_BUDGET : WHOLE_DECODE_PIXEL_BUDGET);
  // A multi-frame read counts every frame against sharp's pixel limit too.
  const withinBudget = width * frameHeight * frames <= Math.min(budget, maxPixels);
  if (!streamed) return withinBudget && alphaIsMax(path, frames, maxPixels);

  const rows = Math.max(1, Math.min(frameHeight, Math.floor(FIRST_STRIP_PIXELS / width)));
  const strip = await sharp(path, { sequentialRead: true, limitInputPixels: maxPixels })
    .extract({ left: 0, top: 0, width, height: rows })
    .extractChannel('alpha')
    .raw()
    .toBuffer();
  if (!allMax(strip)) return false;
  if (rows === frameHeight && frames === 1) return true;
  return withinBudget && alphaIsMax(path, frames, maxPixels);
}

/** Reads the whole alpha channel, every frame. */
async function alphaIsMax(path: string, frames: number, maxPixels: number): Promise<boolean> {
  const alpha = await sharp(path, {
    sequentialRead: true,
    limitInputPixels: maxPixels,
    ...(frames > 1 ? { pages: -1 } : {}),
  })
    .extractChannel('alpha')
    .raw()
    .toBuffer();
  return allMax(alpha);
}

const ALL_MAX = Buffer.alloc(64 * 1024, 255);

/**
 * Raw output is 8 bits a sample (16-bit alpha is scaled down), so opaque
 * means every byte is 255. Compared a block at a time, natively.
 */
function allMax(samples: Buffer): boolean {
  for (let at = 0; at < samples.length; at += ALL_MAX.length) {
    const block = samples.subarray(at, at + ALL_MAX.length);
    if (!block.equals(ALL_MAX.subarray(0, block.length))) return false;
  }
  return true;
}
