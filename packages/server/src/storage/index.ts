// Opens the storage the configuration asks for.

import path from 'node:path';
import type { Config } from '../config.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { FsBlobStore } from './blobs/fs.ts';
import type { Accounts } from './catalog/accounts.ts';
import type { Catalog } from './catalog/catalog.ts';
import { migrateToLatest } from './catalog/sql/migrate.ts';
import { SqlAccounts } from './catalog/sql/sql-accounts.ts';
import { SqlCatalog } from './catalog/sql/sql-catalog.ts';
import { openSqlite } from './catalog/sql/sqlite.ts';

export interface Storage {
  catalog: Catalog;
  accounts: Accounts;
  blobs: BlobStore;
}

export async function openStorage(config: Pick<Config, 'dataDir'>): Promise<Storage> {
  const { db } = openSqlite(path.join(config.dataDir, 'origo.sqlite'));
  await migrateToLatest(db, 'sqlite');
  const catalog = new SqlCatalog(db, 'sqlite');
  const accounts = new SqlAccounts(db);
  const blobs = await FsBlobStore.open(path.join(config.dataDir, 'blobs'));
  return { catalog, accounts, blobs };
}

export async function closeStorage(storage: Storage): Promise<void> {
  await storage.catalog.close();
  await storage.blobs.close();
}
