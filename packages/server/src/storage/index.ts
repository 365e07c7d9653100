// Opens the storage the configuration asks for.

import path from 'node:path';
import type { Config } from '../config.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { FsBlobStore } from './blobs/fs.ts';
import { S3BlobStore } from './blobs/s3.ts';
import type { Accounts } from './catalog/accounts.ts';
import type { Catalog, DerivedTarget, ImageRecord, NewImage } from './catalog/catalog.ts';
import { ReadCache, type ReadCachePolicy, withReadCache } from './catalog/read-cache.ts';
import { expectLatestSchema, migrateToLatest } from './catalog/sql/migrate.ts';
import { SqlAccounts } from './catalog/sql/sql-accounts.ts';
import { SqlCatalog } from './catalog/sql/sql-catalog.ts';
import { openSqlite } from './catalog/sql/sqlite.ts';

const READ_CACHE_ENTRIES = 50_000;

const image = (orgId: unknown, hash: unknown) => `image\u0000${orgId}\u0000${hash}`;
const one = (args: readonly unknown[]) => [image(args[0], args[1])];

const CATALOG_READS: ReadCachePolicy = {
  cached: ['findImage'],
  reads: ['findOrganization', 'searchImages', 'findByBinaryHash', 'blobKeysInUse', 'blobUsers'],
  // A found image is tagged by its full hash, also when looked up by short hash.
  tag: (_method, args, result) => image(args[0], (result as ImageRecord).hash),
  // The images each write may change; misses are never cached, so new images need no tag.
  targeted: {
    createOrganization: () => [],
    updateUserMetadata: one,
    setDynamicMetadataInPlace: one,
    softDelete: one,
    restore: one,
    rename: one,
    setLocked: one,
    deriveImage: (args) => [image(args[0], args[1]), image(args[0], (args[2] as DerivedTarget).hash)],
    copyImage: (args) => [image(args[2], args[1])],
    saveUploadedImages: (args) => (args[1] as NewImage[]).map((i) => image(args[0], i.hash)),
  },
};

const ACCOUNT_READS: ReadCachePolicy = {
  cached: ['findKeyByDigest', 'findKeyById', 'findMembership'],
  reads: ['findUser', 'listKeys', 'listMemberships', 'listMembershipsOfUser'],
  // Last-use times and the lazily made token secret change no cached answer that matters.
  harmless: ['touchKey', 'setting'],
};

export interface Storage {
  catalog: Catalog;
  accounts: Accounts;
  blobs: BlobStore;
}

export interface OpenOptions {
  /**
   * For a tool running while a server may use the same data folder (the
   * scrub): the database is opened read-only and never migrated (a newer
   * tool must not change the schema under an older running server), so it
   * must already have exactly this build's schema (else SchemaMismatchError);
   * and nothing the server owns (its temp files) is cleaned.
   */
  readOnly?: boolean;
}

export async function openStorage(
  config: Pick<Config, 'dataDir' | 'sqliteDurability'> & Partial<Pick<Config, 's3'>>,
  options: OpenOptions = {},
): Promise<Storage> {
  const readOnly = options.readOnly === true;
  const { db } = openSqlite(path.join(config.dataDir, 'origo.sqlite'), config.sqliteDurability, { readOnly });
  try {
    if (readOnly) await expectLatestSchema(db, 'sqlite');
    else await migrateToLatest(db, 'sqlite');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  // This process is the only writer of its SQLite file, so hot lookups can be
  // cached. (Beside a writing server, a read-only tool's cache could go
  // stale; the scrub asks only reads that are never cached: blobUsers,
  // blobKeysInUse.)
  const cache = new ReadCache(READ_CACHE_ENTRIES);
  const catalog = withReadCache<Catalog>(new SqlCatalog(db, 'sqlite'), CATALOG_READS, cache);
  const accounts = withReadCache<Accounts>(new SqlAccounts(db), ACCOUNT_READS, cache);
  let blobs: BlobStore;
  try {
    blobs = await openBlobStore(config, readOnly);
  } catch (err) {
    await catalog.close();
    throw err;
  }
  return { catalog, accounts, blobs };
}

function openBlobStore(config: Pick<Config, 'dataDir'> & Partial<Pick<Config, 's3'>>, readOnly: boolean): Promise<BlobStore> {
  if (config.s3 === undefined) return FsBlobStore.open(path.join(config.dataDir, 'blobs'), { keepTemp: readOnly });
  // Uploads are still staged (hashed, probed) on local disk before they go up.
  return S3BlobStore.open({ ...config.s3, tempDir: path.join(config.dataDir, 'tmp'), keepTemp: readOnly });
}

export async function closeStorage(storage: Storage): Promise<void> {
  await storage.catalog.close();
  await storage.blobs.close();
}
