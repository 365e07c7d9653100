// Which blob versions this process has already read whole and found equal to
// their sha1. Hashing every full download doubled the server's CPU per byte
// served (bench/RESULTS.md, "Downloads that check their bytes"); bytes that
// were proven right and have not been rewritten since (same version: same
// inode and change time) need no second proof. Damage by a later write
// changes the version and is caught on the next download; decay of bytes
// nobody rewrote is left to the scrub, which re-reads everything.

import { Lru } from '../lru.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';

/** Blob keys remembered per store; a forgotten one is only hashed again. */
const CAPACITY = 100_000;

const byStore = new WeakMap<BlobStore, Lru<string, string>>();

function versionsOf(store: BlobStore): Lru<string, string> {
  let versions = byStore.get(store);
  if (!versions) {
    versions = new Lru(CAPACITY);
    byStore.set(store, versions);
  }
  return versions;
}

export function isVerified(store: BlobStore, key: string, version: string): boolean {
  return versionsOf(store).get(key) === version;
}

export function markVerified(store: BlobStore, key: string, version: string): void {
  versionsOf(store).set(key, version);
}
