// The scrub: re-reads every blob that an image row uses and checks it
// against its key (<sha1>-<sha256>) and the rows' sizes, so damage is found
// before a download serves it. It only reads: safe beside a running server.
// Blobs no row uses are left to the sweep.

import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { BlobNotFoundError, type BlobRead } from '../storage/blobs/blob-store.ts';
import type { BlobUsers } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';

export interface ScrubProblem {
  kind: 'missing' | 'damaged';
  key: string;
  /** What is wrong, for a person (empty for a missing blob). */
  detail: string;
  /** The images that use the blob; `deleted` ones can still be restored. */
  images: BlobUsers['images'];
}

export interface ScrubProgress {
  checkedBlobs: number;
  checkedBytes: number;
  missing: number;
  damaged: number;
  elapsedMs: number;
}

export interface ScrubReport extends ScrubProgress {
  problems: ScrubProblem[];
  /** Stopped by the signal before every blob was checked. */
  aborted: boolean;
}

export interface ScrubOptions {
  /** Called for each problem as it is found. */
  onProblem?: (problem: ScrubProblem) => void;
  /** Called at most once per `progressIntervalMs` while the scrub runs. */
  onProgress?: (progress: ScrubProgress) => void;
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

const KEY_BATCH = 200;
const KEY = /^([0-9a-f]{40})-([0-9a-f]{64})$/;

export async function scrub(deps: ServiceDeps, options: ScrubOptions = {}): Promise<ScrubReport> {
  const started = performance.now();
  const progressIntervalMs = options.progressIntervalMs ?? 5000;
  let lastProgress = started;
  const report: ScrubReport = {
    checkedBlobs: 0,
    checkedBytes: 0,
    missing: 0,
    damaged: 0,
    elapsedMs: 0,
    problems: [],
    aborted: false,
  };
  const progress = (): ScrubProgress => ({
    checkedBlobs: report.checkedBlobs,
    checkedBytes: report.checkedBytes,
    missing: report.missing,
    damaged: report.damaged,
    elapsedMs: performance.now() - started,
  });

  let after: string | undefined;
  for (;;) {
    const batch = await deps.catalog.blobUsers(after, KEY_BATCH);
    for (const users of batch) {
      if (options.signal?.aborted) {
        report.aborted = true;
        break;
      }
      const found = await checkBlob(deps, users, options.signal);
      if (found.aborted) {
        // Cut short: neither checked nor counted.
        report.aborted = true;
        break;
      }
      report.checkedBlobs++;
      report.checkedBytes += found.bytes;
      if (found.problem) {
        report[found.problem.kind]++;
        report.problems.push(found.problem);
        options.onProblem?.(found.problem);
      }
      if (options.onProgress && performance.now() - lastProgress >= progressIntervalMs) {
        lastProgress = performance.now();
        options.onProgress(progress());
      }
    }
    if (report.aborted || batch.length < KEY_BATCH) break;
    after = batch[batch.length - 1]?.key;
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

interface Checked {
  bytes: number;
  problem?: ScrubProblem;
  /** The signal stopped the check before the last byte. */
  aborted?: boolean;
}

async function checkBlob(deps: ServiceDeps, users: BlobUsers, signal: AbortSignal | undefined): Promise<Checked> {
  const { key } = users;
  let blob: BlobRead;
  try {
    blob = await deps.blobs.get(key);
  } catch (err) {
    if (!(err instanceof BlobNotFoundError)) throw err;
    // The sweep may have purged the last row and its blob since the rows were read.
    if (!(await deps.catalog.blobKeysInUse([key])).has(key)) return { bytes: 0 };
    return { bytes: 0, problem: { kind: 'missing', key, detail: '', images: users.images } };
  }
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of blob.stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) return { bytes, aborted: true };
      sha1.update(chunk);
      sha256.update(chunk);
      bytes += chunk.length;
      // The stream reads ahead, so the next chunk is often there at once and
      // the loop would hash a whole blob in one go; inside the server,
      // requests must get their turn between chunks.
      await setImmediate();
    }
  } finally {
    blob.stream.destroy();
  }

  const faults: string[] = [];
  const [, keySha1, keySha256] = KEY.exec(key) ?? [];
  const actualSha1 = sha1.digest('hex');
  const actualSha256 = sha256.digest('hex');
  if (actualSha1 !== keySha1) faults.push(`sha1 is ${actualSha1}`);
  if (actualSha256 !== keySha256) faults.push(`sha256 is ${actualSha256}`);
  if (bytes !== blob.size) faults.push(`${bytes} bytes read of the ${blob.size} the file had when opened`);
  const sizes = [...new Set(users.images.map((i) => i.size))].filter((s) => s !== bytes);
  if (sizes.length > 0) faults.push(`${bytes} bytes stored, the images say ${sizes.join(' or ')}`);
  if (faults.length === 0) return { bytes };
  return { bytes, problem: { kind: 'damaged', key, detail: faults.join('; '), images: users.images } };
}
