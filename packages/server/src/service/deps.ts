import type { Config } from '../config.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { Accounts } from '../storage/catalog/accounts.ts';
import type { Catalog } from '../storage/catalog/catalog.ts';

/** What every use case may reach: settings, storage and the clock. */
export interface ServiceDeps {
  config: Config;
  catalog: Catalog;
  accounts: Accounts;
  blobs: BlobStore;
  now: () => Date;
}
