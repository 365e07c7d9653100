import type { Config } from '../config.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { Catalog } from '../storage/catalog/catalog.ts';

/** What every use case may reach: settings, storage and the clock. */
export interface ServiceDeps {
  config: Config;
  catalog: Catalog;
  blobs: BlobStore;
  now: () => Date;
}
