// The background sweep: purges images deleted longer ago than the restore
// window (and, once each purge has committed, their renders: see
// purged-renders.ts), then removes blobs that no row (live or restorable)
// still needs.
// Each removal is claimed in the catalog first (storage/catalog/blob-claims.ts):
// a blob an upload is committing, whose rows are not written yet, is left
// alone, and an upload that wants a blob being removed waits and puts it
// again. So every node may sweep at once. Blobs younger than the grace
// period are left alone as well, which spares the claims of fresh uploads.
//
// An aborted signal (the server is stopping) ends the sweep after the batch
// under way, so a stop is not held up by a whole sweep of a large store.
// Stopping between batches is safe: each purge batch is one transaction, and
// each blob is checked against the rows and removed on its own (a blob whose
// rows were just purged is only left for the next sweep), so a partial sweep
// leaves exactly the state a finished one with fewer expired rows would.

import { eachAtMost } from '../each-at-most.ts';
import type { ServiceDeps } from './deps.ts';
import { type RenderRemoval, removeRendersOf } from './purged-renders.ts';

export interface SweepReport {
  purgedImages: number;
  removedBlobs: number;
  removedBytes: number;
  /** Renders removed with the purged images; only when there were some. */
  removedRenders?: number;
  /** Images whose renders are left for the next sweep, and why; only when a removal failed. */
  rendersLeft?: { images: number; error: string };
}

const PURGE_BATCH = 1000;
const KEY_BATCH = 500;
const DELETES_AT_ONCE = 8;

export async function sweep(deps: ServiceDeps, signal?: AbortSignal): Promise<SweepReport> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.config.restoreWindowMs);
  const report: SweepReport = { purgedImages: 0, removedBlobs: 0, removedBytes: 0 };
  let renders: RenderRemoval | undefined;
  for (;;) {
    const purged = await deps.catalog.purgeDeletedBefore(cutoff, PURGE_BATCH);
    report.purgedImages += purged.length;
    // Also with none purged: what an earlier sweep left is tried again.
    renders = await removeRendersOf(deps.renders, purged, signal);
    if (renders.removed > 0) report.removedRenders = (report.removedRenders ?? 0) + renders.removed;
    if (purged.length < PURGE_BATCH || signal?.aborted) break;
  }
  // Renders a stop kept the sweep from removing are simply left to the next one.
  if (renders?.error !== undefined) report.rendersLeft = { images: renders.left, error: renders.error };
  if (signal?.aborted) return report;

  const youngest = now.getTime() - deps.config.blobGraceMs;
  let batch: { key: string; size: number }[] = [];
  const collect = async () => {
    const used = await deps.catalog.blobKeysInUse(batch.map((b) => b.key));
    // Each removal is a claim, a DELETE and a release, round trips that
    // run side by side (one at a time managed some 25 blobs a second on S3).
    await eachAtMost(
      batch.filter((blob) => !used.has(blob.key)),
      DELETES_AT_ONCE,
      async (blob) => {
        if (!(await deps.claims.claimForDelete(blob.key))) return;
        try {
          await deps.blobs.delete(blob.key);
        } finally {
          await deps.claims.releaseDelete(blob.key);
        }
        report.removedBlobs++;
        report.removedBytes += blob.size;
      },
    );
    batch = [];
  };
  for await (const blob of deps.blobs.list()) {
    // Also while listing only young blobs, which fills no batch. Leaving the
    // loop closes the listing (the directory it has open); blobs gathered
    // but not yet collected are simply kept.
    if (signal?.aborted) return report;
    if (blob.modifiedAt.getTime() > youngest) continue;
    batch.push(blob);
    if (batch.length >= KEY_BATCH) await collect();
  }
  if (batch.length > 0) await collect();
  return report;
}
