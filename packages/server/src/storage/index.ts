// Opens the storage the configuration asks for.

import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { FsBlobStore } from './blobs/fs.ts';
import type { Accounts } from './catalog/accounts.ts';
import type { BlobClaims } from './catalog/blob-claims.ts';
import { ACCOUNTS_POLICY, CATALOG_POLICY, STACKS_POLICY } from './catalog/cache-policies.ts';
import type { Catalog } from './catalog/catalog.ts';
import { MemoryBlobClaims } from './catalog/memory-blob-claims.ts';
import { ReadCache, withReadCache } from './catalog/read-cache.ts';
import { expectLatestSchema, migrateToLatest, SchemaMismatchError } from './catalog/sql/migrate.ts';
import type { Dialect } from './catalog/sql/schema.ts';
import { SqlAccounts } from './catalog/sql/sql-accounts.ts';
import { SqlCatalog } from './catalog/sql/sql-catalog.ts';
import { SqlStacks } from './catalog/sql/sql-stacks.ts';
import { openSqlite } from './catalog/sql/sqlite.ts';
import type { Stacks } from './catalog/stacks.ts';
import { FsRenderStore } from './renders/fs.ts';
import type { RenderStore } from './renders/render-store.ts';
import { StorageUnavailableError, storageUnavailableIn } from './unavailable.ts';

const READ_CACHE_ENTRIES = 50_000;

// The PostgreSQL and S3 modules are imported only when configured: with
// node-postgres and the AWS SDK they cost an SQLite-and-files install about
// 330 ms of CPU and 25 MiB at every start (npm run bench:startup).
const postgresModule = () => import('./catalog/sql/postgres.ts');
const blobClaimsModule = () => import('./catalog/sql/sql-blob-claims.ts');
const s3Module = () => import('./blobs/s3.ts');
const s3RendersModule = () => import('./renders/s3.ts');

export interface Storage {
  catalog: Catalog;
  accounts: Accounts;
  /** Which blobs uploads are committing and the sweep is deleting (GC safety). */
  claims: BlobClaims;
  /** Named stacks and signing keys, on the catalog's database. */
  stacks: Stacks;
  blobs: BlobStore;
  /** Rendered images, a cache apart from the blobs: in the data folder's renders/, or in S3 beside the blobs. */
  renders: RenderStore;
  /**
   * This node's local folder for uploads being received (data folder/tmp),
   * on the same volume as the file blob store in the default layout, so a
   * blob is linked into place rather than copied.
   */
  stagingDir: string;
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

/** The URL to name in a message: its password never goes to a log. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** Where the configured storage is, for a person: no secret in it. */
export function describeStorage(config: StorageConfig): string {
  const catalog =
    config.databaseUrl === undefined
      ? `the SQLite catalog in ${config.dataDir}`
      : `the PostgreSQL catalog at ${withoutPassword(config.databaseUrl)}`;
  const blobs =
    config.s3 === undefined
      ? `blobs in ${path.join(config.dataDir, 'blobs')}`
      : `blobs in S3 bucket "${config.s3.bucket}"${config.s3.prefix === '' ? '' : ` under ${config.s3.prefix}`} at ${config.s3.endpoint ?? `AWS S3 (${config.s3.region})`}`;
  return `${catalog}, ${blobs}`;
}

/** An error's message, or its code when it has none (node-postgres' connection errors may be an AggregateError without one). */
function errorText(err: unknown): string {
  const { message, code } = (err ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : String(err);
}

type StorageConfig = Pick<Config, 'dataDir' | 'sqliteDurability'> &
  Partial<Pick<Config, 'databaseUrl' | 'databasePool' | 's3'>>;

/** The catalog and accounts on the database the configuration names: PostgreSQL when ORIGO_DATABASE_URL is set, else SQLite in the data folder. */
async function openCatalog(
  config: StorageConfig,
  readOnly: boolean,
): Promise<Pick<Storage, 'catalog' | 'accounts' | 'claims' | 'stacks'>> {
  const dialect: Dialect = config.databaseUrl === undefined ? 'sqlite' : 'postgres';
  const db =
    config.databaseUrl === undefined
      ? openSqlite(path.join(config.dataDir, 'origo.sqlite'), config.sqliteDurability, { readOnly }).db
      : (await postgresModule()).openPostgres(config.databaseUrl, { poolSize: config.databasePool ?? 10 }).db;
  try {
    if (readOnly) await expectLatestSchema(db, dialect);
    else await migrateToLatest(db, dialect);
  } catch (err) {
    await db.destroy();
    // A connection fault is already named by the PostgreSQL pool (catalog/sql/postgres.ts).
    if (config.databaseUrl === undefined || err instanceof SchemaMismatchError || storageUnavailableIn(err)) throw err;
    throw new StorageUnavailableError(
      `cannot use the PostgreSQL catalog at ORIGO_DATABASE_URL (${withoutPassword(config.databaseUrl)}): ${errorText(err)}`,
      err,
    );
  }
  if (dialect === 'postgres') {
    // No read cache: several origo nodes may write the same database, and a
    // write on another node would leave this node's cached answer stale.
    const { SqlBlobClaims } = await blobClaimsModule();
    return {
      catalog: new SqlCatalog(db, 'postgres'),
      accounts: new SqlAccounts(db, 'postgres'),
      claims: new SqlBlobClaims(db),
      stacks: new SqlStacks(db, 'postgres'),
    };
  }
  // This process is the only writer of its SQLite file, so hot lookups can be
  // cached. (Beside a writing server, a read-only tool's cache could go
  // stale; the scrub asks only reads that are never cached: blobUsers,
  // blobKeysInUse.)
  const cache = new ReadCache(READ_CACHE_ENTRIES);
  const catalog = withReadCache<Catalog>(new SqlCatalog(db, 'sqlite'), CATALOG_POLICY, cache);
  return {
    catalog,
    accounts: withReadCache<Accounts>(new SqlAccounts(db, 'sqlite'), ACCOUNTS_POLICY, cache),
    // One server per SQLite file: its claims can live in its memory.
    claims: new MemoryBlobClaims((keys) => catalog.blobKeysInUse(keys)),
    stacks: withReadCache<Stacks>(new SqlStacks(db, 'sqlite'), STACKS_POLICY, cache),
  };
}

export async function openStorage(config: StorageConfig, options: OpenOptions = {}): Promise<Storage> {
  const readOnly = options.readOnly === true;
  const { catalog, accounts, claims, stacks } = await openCatalog(config, readOnly);
  let blobs: BlobStore;
  let renders: RenderStore;
  let stagingDir: string;
  try {
    stagingDir = await openStagingDir(path.join(config.dataDir, 'tmp'), readOnly);
    blobs = await openBlobStore(config);
  } catch (err) {
    await catalog.close();
    throw err;
  }
  try {
    renders = await openRenderStore(config, readOnly);
  } catch (err) {
    await Promise.all([catalog.close(), blobs.close()]);
    throw err;
  }
  return { catalog, accounts, claims, stacks, blobs, renders, stagingDir };
}

/** Files left there by a crash belong to no request any more; a read-only tool beside a server leaves them be. */
async function openStagingDir(dir: string, readOnly: boolean): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (!readOnly) {
    for (const name of await readdir(dir)) await rm(path.join(dir, name), { force: true, recursive: true });
  }
  return dir;
}

async function openBlobStore(config: Pick<Config, 'dataDir'> & Partial<Pick<Config, 's3'>>): Promise<BlobStore> {
  if (config.s3 === undefined) return FsBlobStore.open(path.join(config.dataDir, 'blobs'));
  const { S3BlobStore } = await s3Module();
  return S3BlobStore.open(config.s3);
}

async function openRenderStore(
  config: Pick<Config, 'dataDir'> & Partial<Pick<Config, 's3'>>,
  readOnly: boolean,
): Promise<RenderStore> {
  if (config.s3 === undefined) return FsRenderStore.open(path.join(config.dataDir, 'renders'), { readOnly });
  const { S3RenderStore } = await s3RendersModule();
  return S3RenderStore.open(config.s3);
}

export async function closeStorage(storage: Storage): Promise<void> {
  await storage.catalog.close();
  await storage.blobs.close();
  await storage.renders.close();
}
