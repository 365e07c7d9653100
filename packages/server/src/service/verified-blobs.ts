// Which blob versions this process has already read whole and found equal to
// their sha1. Hashing every full download doubled the server's CPU per byte
// served (bench/RESULTS.md, "Downloads that check their bytes"); bytes that
// were proven right and have not been rewritten since (same version: same
// inode and change time) need no second proof. Damage by a later write
// changes the version and is caught on the next download; decay of bytes
// nobody rewrote is left to the scrub, which re-reads everything and makes
// the server forget what it found damaged or missing.
//
// A change time is only as fine as the kernel's clock for it: before Linux
// 6.13 (Debian 12 runs 6.1) it advances in jiffies (4 ms at 250 Hz). A
// same-size rewrite within the tick of the upload's rename, before or while
// a download proves the old bytes, would keep the version, and the damage
// would then be served as proven. So a proof is only kept when the version's
// change time lies at least SETTLED_MS before the read began: any rewrite
// after the read began then gets a later change time, whatever the tick.
// Blobs read soon after they were written are hashed again next time.

import { lruPerOwner } from '../lru.ts';
import type { BlobRead, BlobStore } from '../storage/blobs/blob-store.ts';

/** Blob keys remembered per store; a forgotten one is only hashed again. */
const CAPACITY = 100_000;

/** Far more than any change-time tick (4 ms at 250 Hz, 10 ms at 100 Hz), and than the step between the clocks. */
export const SETTLED_MS = 1000;

const versionsOf = lruPerOwner<string, string>(CAPACITY);

export function isVerified(store: BlobStore, key: string, version: string): boolean {
  return versionsOf(store).get(key) === version;
}

/**
 * Remembers that `blob`, opened at `readStartedAtMs` (ms since the epoch,
 * taken before it was opened), was read whole and right, unless it changed
 * too shortly before that read for its version to be trusted.
 */
export function markVerified(
  store: BlobStore,
  key: string,
  blob: Pick<BlobRead, 'version' | 'changedAtMs'>,
  readStartedAtMs: number,
): void {
  if (blob.changedAtMs !== undefined && blob.changedAtMs > readStartedAtMs - SETTLED_MS) return;
  versionsOf(store).set(key, blob.version);
}

/**
 * Drops the proof of `key`: its bytes were found damaged or missing without
 * its version changing (bit rot), so the next download hashes them again.
 * Only this process's memory: `origo-server scrub`, a separate process,
 * cannot reach a running server's; the in-server scrub calls this.
 */
export function forgetVerified(store: BlobStore, key: string): void {
  versionsOf(store).delete(key);
}
