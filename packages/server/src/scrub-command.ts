// `origo-server scrub`: runs the scrub over the data folder the settings
// name and prints what it finds. Problems and the summary go to stdout,
// progress to stderr. Exit code 0 when every blob is sound, 1 when some are
// missing or damaged, 2 on bad settings or a database of another version.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { serviceDeps } from './service/deps.ts';
import { type ScrubProblem, type ScrubProgress, scrub } from './service/scrub.ts';
import { SchemaMismatchError } from './storage/catalog/sql/migrate.ts';
import { closeStorage, describeStorage, openStorage, type Storage } from './storage/index.ts';
import { storageUnavailableIn } from './storage/unavailable.ts';

export const SCRUB_USAGE = `usage: origo-server scrub [--progress-seconds=N]

Re-reads every stored blob that an image uses and checks its sha1, sha256 and
size. Reads the same settings as the server (ORIGO_DATA_DIR, ...) and only
reads (the database is opened read-only and never upgraded), so it is safe
while the server runs; the database must have the schema of this version.
Prints each missing or damaged blob with the images and organizations using
it, progress every N seconds (default 10) on stderr, and a summary. Exit
code 0: all sound; 1: problems found; 2: bad settings, no origo data, or a
database of another origo version.`;

const MB = 1e6;

function fail(message: string): number {
  process.stderr.write(`origo-server scrub: ${message}\n`);
  return 2;
}

export function describeProblem(problem: ScrubProblem): string {
  const head =
    problem.kind === 'missing' ? `missing blob ${problem.key}` : `damaged blob ${problem.key}: ${problem.detail}`;
  const users = problem.images.map(
    (i) => `  used by image ${i.hash} in organization ${i.orgName}${i.deleted ? ' (deleted, restorable)' : ''}`,
  );
  return [head, ...users].join('\n');
}

function describeProgress(p: ScrubProgress): string {
  return `${p.checkedBlobs} blobs (${(p.checkedBytes / MB).toFixed(1)} MB) checked in ${(p.elapsedMs / 1000).toFixed(1)} s: ${p.missing} missing, ${p.damaged} damaged`;
}

export async function runScrubCommand(args: string[]): Promise<number> {
  let progressIntervalMs = 10_000;
  for (const arg of args) {
    const m = /^--progress-seconds=(\d+(?:\.\d+)?)$/.exec(arg);
    if (m) progressIntervalMs = Number(m[1]) * 1000;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${SCRUB_USAGE}\n`);
      return 0;
    } else return fail(`unknown option ${JSON.stringify(arg)}\n\n${SCRUB_USAGE}`);
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(`bad setting: ${err.message}`);
    throw err;
  }
  // Opening SQLite would create an empty catalog: a wrong folder must not
  // look clean. (A PostgreSQL database without origo's schema is refused
  // by the schema check.)
  const database = path.join(config.dataDir, 'origo.sqlite');
  if (config.databaseUrl === undefined && !existsSync(database))
    return fail(`no origo data in ${config.dataDir} (no ${database}); check ORIGO_DATA_DIR`);
  const where = describeStorage(config);

  let storage: Storage;
  try {
    storage = await openStorage(config, { readOnly: true });
  } catch (err) {
    if (err instanceof SchemaMismatchError)
      return fail(`cannot check ${config.databaseUrl === undefined ? database : where}: ${err.message}`);
    const unavailable = storageUnavailableIn(err);
    if (unavailable) return fail(`cannot check ${where}: ${unavailable.reason}`);
    throw err;
  }
  try {
    process.stderr.write(`origo-server scrub: checking the blobs of ${where}\n`);
    const report = await scrub(serviceDeps(config, storage), {
      progressIntervalMs,
      onProblem: (problem) => process.stdout.write(`${describeProblem(problem)}\n`),
      onProgress: (progress) => process.stderr.write(`origo-server scrub: ${describeProgress(progress)}\n`),
    });
    process.stdout.write(`scrub: ${describeProgress(report)}\n`);
    return report.missing + report.damaged > 0 ? 1 : 0;
  } finally {
    await closeStorage(storage);
  }
}
