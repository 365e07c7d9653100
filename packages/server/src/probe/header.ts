// An image's header metadata through sharp, without decoding a pixel; for a
// large JPEG or PNG from its header bytes alone, since libvips maps a whole
// file to read its header.

import type { FileHandle } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { FileWindow, readAt } from './file-window.ts';
import { isStandaloneJpegMarker, JPEG_EOI } from './jpeg-structure.ts';
import { sniff } from './sniff.ts';

const SHARP_HEADER = { limitInputPixels: false, failOn: 'none' } as const;

/** Header metadata, from the header bytes alone when the file is large and the format allows it. */
export async function readMetadata(
  fh: FileHandle,
  size: number,
  path: string,
  headerOnlyAbove: number,
): Promise<Metadata> {
  if (size > headerOnlyAbove) {
    const format = sniff(await readAt(fh, 0, 8));
    let header: Buffer | undefined;
    if (format === 'jpg') header = await jpegHeaderOnly(fh, size);
    // A PNG's header chunks come first; a truncated copy reads fine.
    else if (format === 'png') header = await readAt(fh, 0, 1024 * 1024);
    if (header) {
      try {
        const meta = await sharp(header, SHARP_HEADER).metadata();
        if (meta.width > 0 && meta.height > 0) return meta;
      } catch {
        // The whole file decides, below.
      }
    }
  }
  return sharp(path, SHARP_HEADER).metadata();
}

/** Application segments a header read needs: JFIF, EXIF/XMP, ICC, IPTC, Adobe colour. */
const KEPT_JPEG_APP = new Set([0xe0, 0xe1, 0xe2, 0xed, 0xee]);

/**
 * The segments of a JPEG up to its first scan, as a small JPEG that a header
 * read understands: other application segments and comments (which may be
 * hundreds of megabytes) are left out, and only segment headers are read.
 */
export async function jpegHeaderOnly(fh: FileHandle, size: number): Promise<Buffer | undefined> {
  const w = new FileWindow(fh, size, 4096);
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  let total = 2;
  let pos = 2;
  for (let guard = 0; guard < 100_000; guard++) {
    if (!(await w.ensure(pos, 2)) || w.byte(pos) !== 0xff) return undefined;
    const marker = w.byte(pos + 1);
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (isStandaloneJpegMarker(marker)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || !(await w.ensure(pos, 4))) return undefined;
    const length = 2 + w.u16(pos + 2);
    const droppable = (marker >= 0xe0 && marker <= 0xef && !KEPT_JPEG_APP.has(marker)) || marker === 0xfe;
    if (!droppable) {
      const segment = await readAt(fh, pos, length);
      total += segment.length;
      if (segment.length < length || total > 16 * 1024 * 1024) return undefined;
      parts.push(segment);
    }
    if (marker === 0xda) {
      parts.push(JPEG_EOI);
      return Buffer.concat(parts);
    }
    pos += length;
  }
  return undefined;
}
