// Copying images into another organization: the copy keeps the hash.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { BatchCopyResult } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { expectShape, isBatchCopyResult } from './shapes.ts';

export interface CopyOptions extends CallOptions {
  /** false: leave an image that already exists at the destination as it is (412 for a single copy). Default true. */
  overwrite?: boolean;
}

function copyHeaders(destination: string, options: CopyOptions): Record<string, string> {
  return { Destination: destination, ...(options.overwrite === false && { Overwrite: 'F' }) };
}

/** Copies one image; `created` is false when it already existed at the destination (and was overwritten). */
export async function copySourceImage(
  t: Transport,
  org: string,
  hash: string,
  destination: string,
  options: CopyOptions = {},
): Promise<{ created: boolean }> {
  const response = await t.empty({
    method: 'COPY',
    path: pathOf('sourceimages', org, hash),
    headers: copyHeaders(destination, options),
    signal: options.signal,
  });
  return { created: response.status === 201 };
}

/** Copies up to 100 images at once; the answer says which were created, already there, or not found. */
export async function copySourceImages(
  t: Transport,
  org: string,
  hashes: readonly string[],
  destination: string,
  options: CopyOptions = {},
): Promise<BatchCopyResult> {
  const path = pathOf('sourceimages', org, 'copy');
  const body = await t.json({
    method: 'POST',
    path,
    json: hashes,
    headers: copyHeaders(destination, options),
    // A copy made twice is the same copy.
    repeatable: true,
    signal: options.signal,
  });
  return expectShape(body, isBatchCopyResult, 'a batch copy answer', `POST ${path}`);
}
