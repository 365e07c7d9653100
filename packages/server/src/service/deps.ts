import type { Config } from '../config.ts';
import type { RenderedBytes } from '../render/normalized.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { Accounts } from '../storage/catalog/accounts.ts';
import type { BlobClaims } from '../storage/catalog/blob-claims.ts';
import type { Catalog } from '../storage/catalog/catalog.ts';
import type { Stacks } from '../storage/catalog/stacks.ts';
import type { Storage } from '../storage/index.ts';
import type { RenderStore } from '../storage/renders/render-store.ts';
import { DecodeQueue } from './decode-queue.ts';
import { RateLimiter } from './rate-limit.ts';
import { SingleFlight } from './single-flight.ts';

/** What every use case may reach: settings, storage, the clock and the one decode queue of the app. */
export interface ServiceDeps {
  config: Config;
  catalog: Catalog;
  accounts: Accounts;
  blobs: BlobStore;
  /** Cached renders; the sweep drops those of purged images. */
  renders: RenderStore;
  /** Uploads claim the blobs they commit, the sweep those it deletes (see blob-claims.ts). */
  claims: BlobClaims;
  /** Named stacks and the organizations' signing keys. */
  stacks: Stacks;
  /** Where uploads are received and probed before they go to the blob store. */
  stagingDir: string;
  now: () => Date;
  /** Every image decode (probe, render) waits here for a place; shared by all requests. */
  decodeQueue: DecodeQueue;
  /** Renders in progress by cache key: identical concurrent renders are done once. */
  renderFlights: SingleFlight<RenderedBytes>;
  /** Uncached renders a minute, per organization name (ORIGO_RENDERS_PER_MINUTE). */
  renderBudget: RateLimiter;
}

export function serviceDeps(config: Config, storage: Storage, now: () => Date = () => new Date()): ServiceDeps {
  return {
    config,
    catalog: storage.catalog,
    accounts: storage.accounts,
    blobs: storage.blobs,
    renders: storage.renders,
    claims: storage.claims,
    stacks: storage.stacks,
    stagingDir: storage.stagingDir,
    now,
    decodeQueue: new DecodeQueue(config.decodeConcurrency),
    renderFlights: new SingleFlight(),
    renderBudget: new RateLimiter(config.rendersPerMinute, () => now().getTime()),
  };
}
