import type { Config } from '../config.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { Accounts } from '../storage/catalog/accounts.ts';
import type { Catalog } from '../storage/catalog/catalog.ts';
import type { Storage } from '../storage/index.ts';

/** What every use case may reach: settings, storage and the clock. */
export interface ServiceDeps {
  config: Config;
  catalog: Catalog;
  accounts: Accounts;
  blobs: BlobStore;
  now: () => Date;
}

export function serviceDeps(config: Config, storage: Storage, now: () => Date = () => new Date()): ServiceDeps {
  return { config, catalog: storage.catalog, accounts: storage.accounts, blobs: storage.blobs, now };
}
