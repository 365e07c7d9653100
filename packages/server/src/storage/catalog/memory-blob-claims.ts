// Blob claims in this process's memory: enough for the embedded SQLite
// catalog, which one server alone writes (a second server on the same data
// folder is refused at start), and costs an upload no database write.
// The read-only scrub never deletes blobs, so it needs no claims.

import { setTimeout } from 'node:timers/promises';
import { StorageUnavailableError } from '../unavailable.ts';
import { type BlobClaims, DELETE_WAIT_MS } from './blob-claims.ts';

interface Claim {
  commits: number;
  /** Settles when the sweep's deletion ends. */
  deleting?: Promise<void>;
  endDelete?: () => void;
}

export class MemoryBlobClaims implements BlobClaims {
  private readonly claims = new Map<string, Claim>();

  /** `keysInUse`: the subset of keys some image row uses (Catalog.blobKeysInUse). */
  constructor(private readonly keysInUse: (keys: string[]) => Promise<Set<string>>) {}

  async claimForCommit(keys: readonly string[]): Promise<void> {
    const deletions: Promise<void>[] = [];
    for (const key of keys) {
      const claim = this.claimOf(key);
      claim.commits++;
      if (claim.deleting) deletions.push(claim.deleting);
    }
    if (deletions.length === 0) return;
    const wait = new AbortController();
    const gaveUp = setTimeout(DELETE_WAIT_MS, 'timeout', { signal: wait.signal }).catch(() => 'done');
    const outcome = await Promise.race([Promise.all(deletions).then(() => 'done'), gaveUp]);
    wait.abort();
    if (outcome === 'timeout') {
      this.release(keys);
      throw new StorageUnavailableError(
        `the blob sweep has been deleting a blob this upload needs for ${DELETE_WAIT_MS / 1000} s`,
        undefined,
      );
    }
  }

  async releaseCommit(keys: readonly string[]): Promise<string[]> {
    this.release(keys);
    // This process's memory cannot forget a claim while it runs.
    return [];
  }

  async claimForDelete(key: string): Promise<boolean> {
    const claim = this.claimOf(key);
    if (claim.commits > 0 || claim.deleting) {
      this.forgetIfIdle(key, claim);
      return false;
    }
    claim.deleting = new Promise((resolve) => {
      claim.endDelete = resolve;
    });
    // After the claim: an upload that released before it has its rows
    // committed, and one that claims from now on waits for releaseDelete.
    let used: boolean;
    try {
      used = (await this.keysInUse([key])).has(key);
    } catch (err) {
      this.endDelete(key, claim);
      throw err;
    }
    if (used) this.endDelete(key, claim);
    return !used;
  }

  async releaseDelete(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (claim) this.endDelete(key, claim);
  }

  private claimOf(key: string): Claim {
    let claim = this.claims.get(key);
    if (!claim) {
      claim = { commits: 0 };
      this.claims.set(key, claim);
    }
    return claim;
  }

  private release(keys: readonly string[]): void {
    for (const key of keys) {
      const claim = this.claims.get(key);
      if (!claim) continue;
      claim.commits = Math.max(0, claim.commits - 1);
      this.forgetIfIdle(key, claim);
    }
  }

  private endDelete(key: string, claim: Claim): void {
    claim.endDelete?.();
    claim.deleting = undefined;
    claim.endDelete = undefined;
    this.forgetIfIdle(key, claim);
  }

  private forgetIfIdle(key: string, claim: Claim): void {
    if (claim.commits === 0 && !claim.deleting) this.claims.delete(key);
  }
}
