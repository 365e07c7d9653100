import type { Config } from '../config.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { Accounts } from '../storage/catalog/accounts.ts';
import type { BlobClaims } from '../storage/catalog/blob-claims.ts';
import type { Catalog } from '../storage/catalog/catalog.ts';
import type { Stacks } from '../storage/catalog/stacks.ts';
import type { Storage } from '../storage/index.ts';
import { DecodeQueue } from './decode-queue.ts';

/** What every use case may reach: settings, storage, the clock and the one decode queue of the app. */
export interface ServiceDeps {
  config: Config;
  catalog: Catalog;
  accounts: Accounts;
  blobs: BlobStore;
  /** Uploads claim the blobs they commit, the sweep those it deletes (see blob-claims.ts). */
  claims: BlobClaims;
  /** Named stacks and the organizations' signing keys. */
  stacks: Stacks;
  /** Where uploads are received and probed before they go to the blob store. */
  stagingDir: string;
  now: () => Date;
  /** Every image decode (probe, render) waits here for a place; shared by all requests. */
  decodeQueue: DecodeQueue;
}

export function serviceDeps(config: Config, storage: Storage, now: () => Date = () => new Date()): ServiceDeps {
  return {
    config,
    catalog: storage.catalog,
    accounts: storage.accounts,
    blobs: storage.blobs,
    claims: storage.claims,
    stacks: storage.stacks,
    stagingDir: storage.stagingDir,
    now,
    decodeQueue: new DecodeQueue(config.decodeConcurrency),
  };
}
