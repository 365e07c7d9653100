// The binary hash origo and rokka give a source image: sha1 of its bytes,
// computed by streaming the file so a large photo is never held in memory.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha1OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha1');
  const stream = createReadStream(file, signal ? { signal } : {});
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
