// One blob of a migration: kept when the target already has it at the size
// its rows say, else read from the source store, staged and hashed on the
// way, and put into the target only when its sha1, sha256 and size are
// what its key and rows say. Damaged bytes never reach the target.

import { OrigoError } from '../errors.ts';
import { BlobNotFoundError, type BlobRead, type BlobStore } from '../storage/blobs/blob-store.ts';
import { discardStaged, type StagedFile, stageStream } from './staging.ts';

const KEY = /^([0-9a-f]{40})-([0-9a-f]{64})$/;

export type BlobOutcome =
  | { kind: 'present' }
  | { kind: 'copied'; bytes: number }
  | { kind: 'missing' }
  | { kind: 'damaged'; detail: string };

export interface BlobEnds {
  source: BlobStore;
  target: BlobStore;
  /** Local folder for the verified copy on its way (the target's staging folder). */
  stagingDir: string;
}

/** `sizes`: the sizes the rows using the blob give it (one, unless the rows disagree). */
export async function migrateBlob(ends: BlobEnds, key: string, sizes: readonly number[]): Promise<BlobOutcome> {
  const there = await ends.target.head(key);
  if (there !== undefined && sizes.every((size) => size === there.size)) return { kind: 'present' };

  let read: BlobRead;
  try {
    read = await ends.source.get(key);
  } catch (err) {
    if (err instanceof BlobNotFoundError) return { kind: 'missing' };
    throw err;
  }
  let staged: StagedFile;
  try {
    // Not larger than the rows say (plus one byte, to tell a longer file): a
    // damaged file grown huge must not fill the staging disk.
    staged = await stageStream(read.stream, ends.stagingDir, Math.max(...sizes) + 1, `blob ${key}`);
  } catch (err) {
    read.stream.destroy();
    if (err instanceof OrigoError && err.code === 'ORIGO_ERR_UPLOAD_TOO_LARGE') {
      return { kind: 'damaged', detail: `larger than the ${sizes.join(' or ')} bytes the images say` };
    }
    throw err;
  }
  try {
    const faults = verify(key, staged, sizes);
    if (faults.length > 0) return { kind: 'damaged', detail: faults.join('; ') };
    await ends.target.put(key, staged);
    return { kind: 'copied', bytes: staged.size };
  } finally {
    await discardStaged([staged]);
  }
}

function verify(key: string, staged: StagedFile, sizes: readonly number[]): string[] {
  const [, keySha1, keySha256] = KEY.exec(key) ?? [];
  const faults: string[] = [];
  if (staged.sha1 !== keySha1) faults.push(`sha1 is ${staged.sha1}`);
  if (staged.sha256 !== keySha256) faults.push(`sha256 is ${staged.sha256}`);
  const others = [...new Set(sizes)].filter((size) => size !== staged.size);
  if (others.length > 0) faults.push(`${staged.size} bytes stored, the images say ${others.join(' or ')}`);
  return faults;
}
