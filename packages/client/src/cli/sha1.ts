// The binary hash origo and rokka give a source image: sha1 of its bytes,
// computed by streaming the file so a large photo is never held in memory.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha1OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha1');
  const stream = createReadStream(file, signal ? { signal } : {});
  // Without an encoding, a file stream yields Buffers.
  for await (const chunk of stream) if (Buffer.isBuffer(chunk)) hash.update(chunk);
  return hash.digest('hex');
}
