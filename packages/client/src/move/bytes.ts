// Byte helpers shared by the moves: collecting a download and hashing bytes.

import { createHash } from 'node:crypto';

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) {
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Why `bytes` are not the original of an image with this binary hash and size, or undefined when they are. */
export function integrityProblem(bytes: Uint8Array, binaryHash: string, size: number | undefined): string | undefined {
  const actual = sha1Hex(bytes);
  if (actual !== binaryHash) {
    return `the bytes have sha1 ${actual}, not the binary_hash ${binaryHash} (${bytes.length} bytes${size === undefined ? '' : ` of ${size}`})`;
  }
  return undefined;
}

export const HEX40 = /^[0-9a-f]{40}$/;
