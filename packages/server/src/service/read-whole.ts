// Reads a stream of known length into one buffer: the decoder wants the
// whole encoded source, and knowing the size up front spares the copies of
// a growing list of chunks.

import type { Readable } from 'node:stream';

export async function readWhole(stream: Readable, size: number): Promise<Buffer> {
  const whole = Buffer.allocUnsafe(size);
  let at = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (at + chunk.length > size) {
      stream.destroy();
      throw new Error(`stream is longer than the ${size} bytes expected`);
    }
    chunk.copy(whole, at);
    at += chunk.length;
  }
  if (at !== size) throw new Error(`stream ended after ${at} of ${size} bytes`);
  return whole;
}
