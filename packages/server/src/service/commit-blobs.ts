// Puts an upload's blobs, then writes the rows that use them, with the blobs
// claimed the whole time (storage/catalog/blob-claims.ts), so the sweep can
// never delete a blob between its put and the rows: blobs first, rows
// second, and nothing acknowledged without its bytes.

import type { ServiceDeps } from './deps.ts';
import type { StagedFile } from './staging.ts';

export interface BlobToCommit {
  key: string;
  staged: StagedFile;
}

export async function commitBlobsThen<T>(
  deps: ServiceDeps,
  blobs: readonly BlobToCommit[],
  saveRows: () => Promise<T>,
): Promise<T> {
  // Identical bytes in one request are one blob.
  const byKey = new Map(blobs.map((b) => [b.key, b.staged]));
  const keys = [...byKey.keys()];
  await deps.claims.claimForCommit(keys);
  let result: T;
  try {
    for (const [key, staged] of byKey) await deps.blobs.put(key, staged);
    result = await saveRows();
  } catch (err) {
    // A release that fails leaves a claim that goes stale on its own; the
    // request's own error is the one to answer.
    await deps.claims.releaseCommit(keys).catch(() => {});
    throw err;
  }
  let lost: string[];
  try {
    lost = await deps.claims.releaseCommit(keys);
  } catch {
    // The rows are written and the claims still hold the blobs until they
    // go stale: the images are complete, so the upload stands.
    return result;
  }
  if (lost.length > 0) await putBackLost(deps, lost, byKey);
  return result;
}

/**
 * The claims on `lost` were gone at release (the database forgot them), so
 * a sweep may have deleted one of these blobs before the rows using it were
 * committed. Claimed again (which waits out a deletion under way), each is
 * put back if missing; from now on the rows keep it.
 */
async function putBackLost(deps: ServiceDeps, lost: string[], staged: Map<string, StagedFile>): Promise<void> {
  await deps.claims.claimForCommit(lost);
  try {
    for (const key of lost) {
      if ((await deps.blobs.head(key)) === undefined) await deps.blobs.put(key, staged.get(key)!);
    }
  } finally {
    await deps.claims.releaseCommit(lost).catch(() => {});
  }
}
