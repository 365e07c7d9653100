// Metadata GET with origo's catalog on PostgreSQL, as a ratio of the same
// GET on SQLite measured in the same run (issue 10). Two origo children, one
// on each catalog, answer GET /sourceimages/{org}/{hash} of the same image;
// rounds alternate between them as in `npm run bench get`.
//
//   npm run bench:get-postgres                       a throwaway PostgreSQL (installed when missing)
//   npm run bench:get-postgres -- --database-url=postgres://user:pass@host:5432/db   an existing, empty database
//   options: --rounds=N (3) --duration=SECONDS (5) --warmup=SECONDS (2) --connections=N (32)

import { ensureServerPackages } from '../scripts/scale-out/install.ts';
import { startPostgres } from '../scripts/scale-out/postgres.ts';
import { runGetOnPostgres } from './benchmarks/get.ts';
import type { BenchOptions } from './benchmarks/options.ts';
import { runCleanups } from './lib/origo.ts';
import { log, MiB } from './lib/report.ts';

const options: BenchOptions = {
  rounds: 3,
  durationMs: 5000,
  warmupMs: 2000,
  engine: 'raw',
  connections: { get: 32, download: 4, downloadSmall: 16 },
  uploads: 1,
  memoryUploadBytes: MiB,
};
let databaseUrl: string | undefined;
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.+)$/.exec(arg);
  const n = Number(m?.[2]);
  if (m?.[1] === 'database-url') databaseUrl = m[2];
  else if (m?.[1] === 'rounds' && n >= 1) options.rounds = Math.floor(n);
  else if (m?.[1] === 'duration' && n > 0) options.durationMs = n * 1000;
  else if (m?.[1] === 'warmup' && n >= 0) options.warmupMs = n * 1000;
  else if (m?.[1] === 'connections' && n >= 1) options.connections.get = Math.floor(n);
  else {
    log(
      `unknown argument ${arg}: use --database-url=postgres://… --rounds=N --duration=SECONDS --warmup=SECONDS --connections=N`,
    );
    process.exit(2);
  }
}

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

let stopPostgres = async () => {};
if (databaseUrl === undefined) {
  ensureServerPackages();
  const server = await startPostgres();
  databaseUrl = server.url;
  stopPostgres = server.stop;
}
let code = 0;
try {
  log(`== get on PostgreSQL vs get on SQLite, ${new Date().toISOString()}`);
  log(
    `options: rounds ${options.rounds}, ${options.durationMs / 1000} s per round, warm-up ${options.warmupMs / 1000} s`,
  );
  const [row] = await runGetOnPostgres(options, databaseUrl);
  log('');
  log(`| benchmark | metric | PostgreSQL | SQLite | PG / SQLite |`);
  log(`| --- | --- | --- | --- | --- |`);
  log(`| ${row!.bench} | ${row!.metric} | ${row!.origo} | ${row!.baseline} | ${row!.ratio} |`);
  log(`- ${row!.notes}`);
} catch (error) {
  log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  code = 1;
} finally {
  await stopPostgres();
  runCleanups();
}
process.exit(code);
