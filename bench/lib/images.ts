// Test images and multipart bodies.

import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

const SOI = Buffer.from([0xff, 0xd8]);

/** A JPEG marker segment: FF <marker> <length incl. itself, 2 bytes BE> <payload ≤ 65533 bytes>. */
export function segment(marker: number, payload: Buffer): Buffer {
  if (payload.length > 65533) throw new Error('segment payload too long');
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Inserts segments right after the SOI of a JPEG. */
export function insertAfterSoi(jpeg: Buffer, segments: Buffer[]): Buffer {
  if (!jpeg.subarray(0, 2).equals(SOI)) throw new Error('not a JPEG');
  return Buffer.concat([SOI, ...segments, jpeg.subarray(2)]);
}

/** The same JPEG with a COM segment holding `text`: distinct bytes, the same image. */
export function withComment(jpeg: Buffer, text: string): Buffer {
  return insertAfterSoi(jpeg, [segment(0xfe, Buffer.from(text, 'utf8'))]);
}

/**
 * A JPEG of random noise of about `bytes` bytes (4:4:4, quality 100: noise
 * does not compress, ~2.9 bytes per pixel), padded up to exactly `bytes`
 * with APP15 filler segments after the SOI.
 */
export async function noiseJpeg(bytes: number): Promise<Buffer> {
  const pixels = (bytes * 0.95) / 2.93;
  const height = Math.max(16, Math.floor(Math.sqrt((pixels * 3) / 4)));
  const width = Math.max(16, Math.floor((height * 4) / 3));
  const raw = randomBytes(width * height * 3);
  let jpeg: Buffer = await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
  const filler: Buffer[] = [];
  let missing = bytes - jpeg.length;
  while (missing > 0) {
    // Each segment adds 4 header bytes; a payload shorter than 0 cannot be, so
    // leave at least 4 missing bytes for the last one.
    const payload = Math.min(65533, missing - 4);
    if (payload < 0) break;
    filler.push(segment(0xef, randomBytes(payload)));
    missing -= payload + 4;
  }
  jpeg = insertAfterSoi(jpeg, filler);
  return jpeg;
}

/** A small real JPEG (a flat colour), for warm-ups and for the metadata GET. */
export async function smallJpeg(seed = 0): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: seed % 256, g: 80, b: 160 } } })
    .jpeg()
    .toBuffer();
}

/** The parts around one file in a multipart/form-data body. */
export function multipartFrame(
  filename: string,
  contentType = 'image/jpeg',
  field = 'filedata',
): { boundary: string; head: Buffer; tail: Buffer; contentType: string } {
  const boundary = `----origo-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    'latin1',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  return { boundary, head, tail, contentType: `multipart/form-data; boundary=${boundary}` };
}
