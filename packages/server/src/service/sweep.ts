// The background sweep: purges images deleted longer ago than the restore
// window, then removes blobs that no row (live or restorable) still needs.
// Blobs younger than the grace period are left alone: an upload may have
// committed its blob and not yet written its row.

import type { ServiceDeps } from './deps.ts';

export interface SweepReport {
  purgedImages: number;
  removedBlobs: number;
  removedBytes: number;
}

const PURGE_BATCH = 1000;
const KEY_BATCH = 500;

export async function sweep(deps: ServiceDeps): Promise<SweepReport> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.config.restoreWindowMs);
  let purgedImages = 0;
  for (;;) {
    const n = await deps.catalog.purgeDeletedBefore(cutoff, PURGE_BATCH);
    purgedImages += n;
    if (n < PURGE_BATCH) break;
  }

  let removedBlobs = 0;
  let removedBytes = 0;
  const youngest = now.getTime() - deps.config.blobGraceMs;
  let batch: { key: string; size: number }[] = [];
  const collect = async () => {
    const used = await deps.catalog.blobKeysInUse(batch.map((b) => b.key));
    for (const blob of batch) {
      if (used.has(blob.key)) continue;
      if (await deps.blobs.delete(blob.key, new Date(youngest))) {
        removedBlobs++;
        removedBytes += blob.size;
      }
    }
    batch = [];
  };
  for await (const blob of deps.blobs.list()) {
    if (blob.modifiedAt.getTime() > youngest) continue;
    batch.push(blob);
    if (batch.length >= KEY_BATCH) await collect();
  }
  if (batch.length > 0) await collect();
  return { purgedImages, removedBlobs, removedBytes };
}
