// `origo-server migrate --from-data-dir <dir>`: copies an embedded install
// (SQLite + files in a data folder) into the storage the settings name
// (PostgreSQL and/or S3). Progress goes to stderr; problems and the summary
// to stdout. Exit code 0 when done, 1 when done but some blobs were missing
// or damaged in the source, 2 when not done (bad usage or settings, a
// source or target that cannot be used, or an error part way).

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { describeProblem } from './scrub-command.ts';
import { type MigrationProgress, type MigrationReport, migrate } from './service/migrate.ts';
import { migrateRootKey, type RootKeyOutcome } from './service/migrate-root-key.ts';
import { ROOT_KEY_SETTING } from './service/root-key.ts';
import { FsBlobStore } from './storage/blobs/fs.ts';
import { COPIED_TABLES, ForeignRowsError } from './storage/catalog/sql/copy-tables.ts';
import { expectLatestSchema, SchemaMismatchError } from './storage/catalog/sql/migrate.ts';
import { openPostgres } from './storage/catalog/sql/postgres.ts';
import type { Database } from './storage/catalog/sql/schema.ts';
import { openSqlite } from './storage/catalog/sql/sqlite.ts';
import { closeStorage, openStorage, type Storage } from './storage/index.ts';
import { storageUnavailableIn } from './storage/unavailable.ts';

export const MIGRATE_USAGE = `usage: origo-server migrate --from-data-dir <dir> [--progress-seconds=N] [--batch-size=N]

Copies an origo install kept in a data folder (the embedded default: the
SQLite catalog origo.sqlite and the blobs/ folder) into the storage that
the settings name, as the server would use them: ORIGO_DATABASE_URL
(PostgreSQL) and/or ORIGO_S3_* (S3). A part not configured is copied to
ORIGO_DATA_DIR, which must then be another folder than <dir>.

What is copied: every organization, image (deleted ones too: they stay
restorable), user metadata, dynamic metadata, user, API key, membership
and setting, ids unchanged; the token secret is among the settings, so
tokens made before keep working. Each blob an image uses is read from the
source, its sha1, sha256 and size checked against its key and the images,
and only then stored; blobs no image uses are left behind. A batch of
blobs goes in before the images that use them. The root key's digest
(root-key.sha256) goes into the PostgreSQL catalog, where every node finds
it; on an SQLite target, into ORIGO_DATA_DIR when that has none.

Stop the server that uses <dir> first: the source is only read (opened
read-only, never upgraded; it must have this version's schema), but what
it changes after its rows were copied is not carried over. Start (or
restart) the nodes on the new storage after the migration: a node reads
the token secret when it starts.

Safe to run again: what the target has already is skipped (blobs by key
and size, rows by id), so a run cut off anywhere finishes on the next,
and a run after a finished one copies nothing. The target must be empty
or hold only what an earlier run copied from <dir>; one with organizations
or users of its own is refused.

A missing or damaged blob is reported with the images that use it; those
images are copied all the same (they fail to download on the target as
they do on the source). Repair the blob in the source (upload the original
file again there) and run this again to copy it.

  --progress-seconds=N  progress on stderr every N seconds (default 2; 0: after every batch)
  --batch-size=N        blobs per batch (default 100); a batch's images are
                        written in one transaction
  --parallel=N          blobs copied at once (default 8)

Exit code 0: done; 1: done, but blobs were missing or damaged (listed);
2: not done (bad usage or settings, no origo data in <dir>, a source of
another origo version, a target that cannot be reached or holds other
data, or an error part way: run it again once fixed).`;

const MB = 1e6;

function fail(message: string): number {
  process.stderr.write(`origo-server migrate: ${message}\n`);
  return 2;
}

interface Options {
  fromDataDir: string;
  progressIntervalMs: number;
  batchSize: number;
  concurrency: number;
}

/** The options, or an exit code (help printed, or bad usage reported). */
function parseArgs(args: string[]): Options | number {
  let fromDataDir: string | undefined;
  let progressIntervalMs = 2000;
  let batchSize = 100;
  let concurrency = 8;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, value] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${MIGRATE_USAGE}\n`);
      return 0;
    }
    if (name === '--from-data-dir') {
      const dir = value ?? args[++i];
      if (dir === undefined || dir === '') return fail(`--from-data-dir needs a folder\n\n${MIGRATE_USAGE}`);
      fromDataDir = dir;
    } else if (name === '--progress-seconds' && value !== undefined && /^\d+(?:\.\d+)?$/.test(value))
      progressIntervalMs = Number(value) * 1000;
    else if (
      name === '--batch-size' &&
      value !== undefined &&
      /^\d+$/.test(value) &&
      Number(value) >= 1 &&
      Number(value) <= 10_000
    )
      batchSize = Number(value);
    else if (
      name === '--parallel' &&
      value !== undefined &&
      /^\d+$/.test(value) &&
      Number(value) >= 1 &&
      Number(value) <= 256
    )
      concurrency = Number(value);
    else return fail(`unknown option ${JSON.stringify(arg)}\n\n${MIGRATE_USAGE}`);
  }
  if (fromDataDir === undefined)
    return fail(`say which data folder to copy with --from-data-dir <dir>\n\n${MIGRATE_USAGE}`);
  return { fromDataDir: path.resolve(fromDataDir), progressIntervalMs, batchSize, concurrency };
}

function sameFolder(a: string, b: string): boolean {
  const real = (dir: string) => (existsSync(dir) ? realpathSync(dir) : path.resolve(dir));
  return real(a) === real(b);
}

/** Why the configured target cannot take the source, if it cannot. */
function targetRefusal(config: Config, sourceDir: string): string | undefined {
  if (config.databaseUrl === undefined && config.s3 === undefined) {
    return 'the target is the embedded default (neither ORIGO_DATABASE_URL nor ORIGO_S3_* is set): set them to the PostgreSQL database and S3 bucket the install moves to';
  }
  if (!sameFolder(config.dataDir, sourceDir)) return undefined;
  if (config.databaseUrl === undefined) {
    return `the catalog would be copied onto itself: ORIGO_DATABASE_URL is not set, so the target catalog is the SQLite file in ORIGO_DATA_DIR (${config.dataDir}), the folder copied from; set ORIGO_DATABASE_URL, or ORIGO_DATA_DIR to another folder`;
  }
  if (config.s3 === undefined) {
    return `the blobs would be copied onto themselves: no ORIGO_S3_* is set, so the target blob store is the blobs folder in ORIGO_DATA_DIR (${config.dataDir}), the folder copied from; set ORIGO_S3_*, or ORIGO_DATA_DIR to another folder`;
  }
  return undefined;
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

function describeTarget(config: Config): string {
  const catalog =
    config.databaseUrl === undefined
      ? `SQLite in ${config.dataDir}`
      : `PostgreSQL at ${withoutPassword(config.databaseUrl)}`;
  const s3 = config.s3;
  const blobs =
    s3 === undefined
      ? `files in ${path.join(config.dataDir, 'blobs')}`
      : `S3 bucket "${s3.bucket}" at ${s3.endpoint ?? `AWS (${s3.region})`}${s3.prefix === '' ? '' : ` under "${s3.prefix}"`}`;
  return `${catalog} and ${blobs}`;
}

function describeProgress(p: MigrationProgress): string {
  const b = p.blobs;
  return (
    `${p.imagesDone} of ${p.imagesTotal} images, ${b.done} of ${b.total} blobs in ${(p.elapsedMs / 1000).toFixed(1)} s: ` +
    `${b.copied} copied (${(b.copiedBytes / MB).toFixed(1)} MB), ${b.present} already there, ${b.missing} missing, ${b.damaged} damaged`
  );
}

function describeRootKey(outcome: RootKeyOutcome, sourceDir: string): string {
  switch (outcome.kind) {
    case 'from-setting':
      return 'root key: ORIGO_ROOT_KEY is set; give every node the same ORIGO_ROOT_KEY';
    case 'none-in-source':
      return `root key: ${sourceDir} has no root-key.sha256 (its server took the key from ORIGO_ROOT_KEY); set the same ORIGO_ROOT_KEY on every node`;
    case 'catalog-copied':
    case 'catalog-same':
      return `root key: the old root key's digest is in the catalog (setting ${ROOT_KEY_SETTING})${outcome.kind === 'catalog-copied' ? ' (copied)' : ''}; every node accepts the old root key`;
    case 'copied':
    case 'same':
      return `root key: the old root key's digest is in ${outcome.file}${outcome.kind === 'copied' ? ' (copied)' : ''}; the server on that data folder accepts the old root key`;
    case 'different':
      return `root key: ${outcome.file} holds another root key's digest and was left as it is; to keep the old root key, put ${outcome.sourceFile} in its place`;
  }
}

function summary(report: MigrationReport, rootKey: string): string {
  const lines = ['migrate: rows (in the source: copied now, already there)'];
  for (const table of COPIED_TABLES) {
    const { source, copied } = report.tables[table];
    lines.push(`  ${table}: ${source}: ${copied} copied, ${source - copied} already there`);
  }
  const b = report.blobs;
  lines.push(
    `migrate: blobs: ${b.total} in use: ${b.copied} copied (${(b.copiedBytes / MB).toFixed(1)} MB, hashes checked), ${b.present} already there, ${b.missing} missing, ${b.damaged} damaged`,
  );
  lines.push(`migrate: ${rootKey}`);
  const copiedRows = COPIED_TABLES.some((t) => report.tables[t].copied > 0);
  const seconds = `${(report.elapsedMs / 1000).toFixed(1)} s`;
  if (b.missing + b.damaged > 0) {
    lines.push(
      `migrate: done in ${seconds}, but ${b.missing + b.damaged} blobs are missing or damaged in the source (listed above); repair them there (upload the original files again) and run this again`,
    );
  } else if (!copiedRows && b.copied === 0)
    lines.push(`migrate: done in ${seconds}: nothing to copy, the target already had everything`);
  else lines.push(`migrate: done in ${seconds}`);
  return `${lines.join('\n')}\n`;
}

function openTargetDatabase(config: Config): Kysely<Database> {
  if (config.databaseUrl !== undefined) return openPostgres(config.databaseUrl, { poolSize: 2 }).db;
  return openSqlite(path.join(config.dataDir, 'origo.sqlite'), config.sqliteDurability).db;
}

export async function runMigrateCommand(args: string[]): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === 'number') return options;
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(`bad setting: ${err.message}`);
    throw err;
  }
  const sourceDir = options.fromDataDir;
  const sourceFile = path.join(sourceDir, 'origo.sqlite');
  // Opening it would create an empty catalog: a wrong folder must not look like an empty install.
  if (!existsSync(sourceFile)) return fail(`no origo data in ${sourceDir} (no ${sourceFile}); check --from-data-dir`);
  const refusal = targetRefusal(config, sourceDir);
  if (refusal !== undefined) return fail(refusal);

  const source = openSqlite(sourceFile, 'full', { readOnly: true }).db;
  try {
    await expectLatestSchema(source, 'sqlite');
  } catch (err) {
    await source.destroy();
    if (err instanceof SchemaMismatchError) return fail(`cannot copy ${sourceFile}: ${err.message}`);
    throw err;
  }
  let storage: Storage | undefined;
  let target: Kysely<Database> | undefined;
  try {
    try {
      storage = await openStorage(config);
    } catch (err) {
      const unavailable = storageUnavailableIn(err);
      if (unavailable) return fail(`cannot use the target: ${unavailable.reason}`);
      throw err;
    }
    target = openTargetDatabase(config);
    const sourceBlobs = await FsBlobStore.open(path.join(sourceDir, 'blobs'));
    process.stderr.write(`origo-server migrate: copying ${sourceDir} to ${describeTarget(config)}\n`);
    let report: MigrationReport;
    try {
      report = await migrate(
        { db: source, blobs: sourceBlobs },
        {
          db: target,
          dialect: config.databaseUrl === undefined ? 'sqlite' : 'postgres',
          blobs: storage.blobs,
          claims: storage.claims,
          stagingDir: storage.stagingDir,
        },
        {
          batchSize: options.batchSize,
          concurrency: options.concurrency,
          progressIntervalMs: options.progressIntervalMs,
          onProgress: (p) => process.stderr.write(`origo-server migrate: ${describeProgress(p)}\n`),
          onProblem: (problem) => process.stdout.write(`${describeProblem(problem)}\n`),
        },
      );
    } catch (err) {
      if (err instanceof ForeignRowsError) {
        return fail(
          `${err.message}; migrate into an empty database (a new PostgreSQL database), or into one only an earlier run from ${sourceDir} wrote to`,
        );
      }
      const reason = storageUnavailableIn(err)?.reason ?? (err instanceof Error ? err.message : String(err));
      return fail(`stopped part way: ${reason}\nWhat was copied stays; run the same command again to finish.`);
    }
    const rootKey = await migrateRootKey(
      sourceDir,
      { dataDir: config.dataDir, ...(config.databaseUrl !== undefined && { sharedCatalog: target }) },
      config.rootKey !== undefined,
    );
    process.stdout.write(summary(report, describeRootKey(rootKey, sourceDir)));
    return report.blobs.missing + report.blobs.damaged > 0 ? 1 : 0;
  } finally {
    await target?.destroy();
    if (storage) await closeStorage(storage);
    await source.destroy();
  }
}
