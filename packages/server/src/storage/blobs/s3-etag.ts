// Whether an object already stored in S3 holds exactly the bytes of a staged
// file, by its ETag: for a plain PUT (without SSE-KMS) S3 and its clones give
// the MD5 of the bytes; for a multipart upload, the MD5 of the parts' MD5s
// followed by "-<parts>". Checked only when a key is found stored already,
// so a damaged object of the right size is replaced, not kept.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const ETAG = /^([0-9a-f]{32})(?:-(\d+))?$/;

/**
 * `etag` as the store gave it (quotes and W/ removed); `partSize` the part
 * size this store writes multipart uploads with. False when the ETag is of
 * a kind that cannot be recomputed here (another part size, encryption).
 */
export async function etagMatchesFile(etag: string, file: string, size: number, partSize: number): Promise<boolean> {
  const match = ETAG.exec(etag);
  if (!match) return false;
  const parts = match[2] === undefined ? undefined : Number(match[2]);
  if (parts === undefined) return (await md5Of(file, 0, size)).toString('hex') === match[1];
  if (parts !== Math.ceil(size / partSize)) return false;
  const partDigests: Buffer[] = [];
  for (let start = 0; start < size; start += partSize)
    partDigests.push(await md5Of(file, start, Math.min(size, start + partSize)));
  return createHash('md5').update(Buffer.concat(partDigests)).digest('hex') === match[1];
}

async function md5Of(file: string, start: number, end: number): Promise<Buffer> {
  const hash = createHash('md5');
  if (end > start) {
    for await (const chunk of createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 }))
      hash.update(chunk as Buffer);
  }
  return hash.digest();
}
