// Test data and checks that need no server: hand-made PNG bytes, catalog
// records, and the OrigoError a unit throws. Unlike helpers.ts, importing this
// does not load the app, so unit tests under src/ can use it too.

import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { isOrigoError, type OrigoError } from '../src/errors.ts';
import type { NewImage } from '../src/storage/catalog/catalog.ts';

// PNG CRC-32 (ISO 3309), table driven; zlib.crc32 needs Node >= 20.15.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data and the CRC of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A structurally valid PNG whose header claims width × height pixels (the data is one tiny IDAT). */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour RGB; compression, filter and interlace stay 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A catalog record for saveUploadedImages or importImages: a 10×10 opaque
 * JPEG of 100 bytes stored under its own hash, with no metadata, unless
 * `overrides` says otherwise.
 */
export function newImageRecord(hash: string, overrides: Partial<NewImage> = {}): NewImage {
  return {
    hash,
    binaryHash: hash,
    blobKey: hash,
    name: 'image.jpg',
    format: 'jpg',
    mimetype: 'image/jpeg',
    size: 100,
    width: 10,
    height: 10,
    opaque: true,
    animated: false,
    protected: false,
    userMetadata: {},
    dynamicMetadata: {},
    staticMetadata: {},
    userFieldRows: [],
    ...overrides,
  };
}

/** The error `fn` throws, which must be an OrigoError; fails the test when nothing is thrown. */
export function errorOf(fn: () => unknown): OrigoError {
  try {
    fn();
  } catch (err) {
    expect(isOrigoError(err)).toBe(true);
    return err as OrigoError;
  }
  throw new Error('expected an error');
}

/** `fn` throws a 400 OrigoError whose message contains (a string) or matches (a RegExp) `mention`, when given. */
export function expect400(fn: () => unknown, mention?: string | RegExp): void {
  const err = errorOf(fn);
  expect(err.status).toBe(400);
  if (typeof mention === 'string') expect(err.message).toContain(mention);
  else if (mention !== undefined) expect(err.message).toMatch(mention);
}

/**
 * The head of a file part in a multipart body written by hand, for clients
 * that stop or misbehave part-way; `disposition` follows
 * `form-data; name="filedata"; ` (e.g. `filename="a.jpg"`).
 */
export function filePartHead(boundary: string, disposition: string): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="filedata"; ${disposition}\r\nContent-Type: image/jpeg\r\n\r\n`,
    'utf8',
  );
}

/** A file part (head, bytes, line end), without the closing boundary. */
export function filePart(boundary: string, filename: string, bytes: Buffer): Buffer {
  return Buffer.concat([filePartHead(boundary, `filename="${filename}"`), bytes, Buffer.from('\r\n')]);
}

/** The closing boundary of a multipart body. */
export function closingBoundary(boundary: string): Buffer {
  return Buffer.from(`--${boundary}--\r\n`);
}

/** A whole multipart body of one file part. */
export function oneFileBody(boundary: string, filename: string, bytes: Buffer): Buffer {
  return Buffer.concat([filePart(boundary, filename, bytes), closingBoundary(boundary)]);
}
