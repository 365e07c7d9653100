// One PNG chunk (length, type, data, CRC), for tests that build large PNGs:
// a private ancillary chunk (lowercase first letter, e.g. prVt) adds bytes
// that decoders skip, so a tiny image can weigh many megabytes.

import zlib from 'node:zlib';

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))));
  return Buffer.concat([head, data, crc]);
}
