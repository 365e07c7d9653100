// Originals on their way: held in memory when small, else spooled to a file
// (so a large original never sits in memory whole), hashed as they pass.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { OriginalData } from './endpoint.ts';

/** An original's bytes or file, with the sha1 and size measured while reading it. */
export interface Original {
  data: OriginalData;
  sha1: string;
  size: number;
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Original> {
  const hash = createHash('sha1');
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
    parts.push(chunk);
  }
  return { data: Buffer.concat(parts), sha1: hash.digest('hex'), size };
}

/** Writes the chunks into `file`, hashing them on the way. */
export async function spool(chunks: AsyncIterable<Uint8Array>, file: string): Promise<Original> {
  const hash = createHash('sha1');
  let size = 0;
  async function* hashed() {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  await pipeline(hashed, createWriteStream(file));
  return { data: { path: file }, sha1: hash.digest('hex'), size };
}

/** A file already on disk, hashed by reading it once as a stream. */
export async function hashFile(file: string): Promise<Original> {
  const hash = createHash('sha1');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    if (!(chunk instanceof Uint8Array)) continue;
    hash.update(chunk);
    size += chunk.length;
  }
  return { data: { path: file }, sha1: hash.digest('hex'), size };
}

/** Why an original is not that of an image with this binary hash, or undefined when it is. */
export function integrityProblem(original: Original, binaryHash: string, size: number | undefined): string | undefined {
  if (original.sha1 === binaryHash) return undefined;
  const sizes = `${original.size} bytes${size === undefined ? '' : ` of ${size}`}`;
  return `the bytes have sha1 ${original.sha1}, not the binary_hash ${binaryHash} (${sizes})`;
}

export const HEX40 = /^[0-9a-f]{40}$/;
