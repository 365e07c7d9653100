// origo benchmarks: `npm run bench [-- names...] [-- --rounds=3 --duration=5 --engine=raw]`
//
// Each benchmark measures origo (in its own child process, on a fresh temp
// data folder) against a baseline measured in the same run, and prints the
// ratio and whether the target is met. Names: get, download, upload, memory, patch, copy, download-small.

import os from 'node:os';
import { runCopy } from './benchmarks/copy.ts';
import { runDownload, runDownloadSmall } from './benchmarks/download.ts';
import { runGet } from './benchmarks/get.ts';
import { runMemory } from './benchmarks/memory.ts';
import type { BenchOptions } from './benchmarks/options.ts';
import { runPatch } from './benchmarks/patch.ts';
import { runUpload } from './benchmarks/upload.ts';
import type { Engine } from './lib/load.ts';
import { runCleanups } from './lib/origo.ts';
import { fmt, log, MiB, type Row } from './lib/report.ts';
import { runBenchmarks } from './lib/run-benchmarks.ts';

const BENCHMARKS: Record<string, { what: string; run: (o: BenchOptions) => Promise<Row[]> }> = {
  get: { what: 'metadata GET req/s vs a bare Fastify route (target ratio >= 0.8)', run: runGet },
  download: { what: '10 MiB download MB/s vs node:http + fs.createReadStream (target ratio >= 0.8)', run: runDownload },
  upload: {
    what: '10 MiB upload latency vs sha1 + sha256 + write + fsync + rename + dir fsync (target ratio <= 1.5)',
    run: runUpload,
  },
  memory: { what: '500 MiB upload: server RSS growth (target < 100 MiB)', run: runMemory },
  patch: {
    what: 'server CPU per PATCH of 10 user-metadata fields vs the same SQLite writes in process (target floor/PATCH >= 0.8)',
    run: runPatch,
  },
  copy: { what: 'copy of a 50 MiB image to another organization vs its upload (target ratio < 0.05)', run: runCopy },
  'download-small': {
    what: '100 KB download MB/s vs node:http + fs.createReadStream (target ratio >= 0.8)',
    run: runDownloadSmall,
  },
};

function usage(): never {
  log(
    'usage: node --import tsx bench/run.ts [get|download|upload|memory|patch|copy|download-small ...] [--rounds=N] [--duration=SECONDS] [--warmup=SECONDS]',
  );
  log('         [--engine=raw|http] [--uploads=N] [--memory-mib=N]');
  for (const [name, b] of Object.entries(BENCHMARKS)) log(`  ${name.padEnd(14)} ${b.what}`);
  process.exit(2);
}

const options: BenchOptions = {
  rounds: 3,
  durationMs: 5000,
  warmupMs: 2000,
  engine: 'raw',
  connections: { get: 32, download: 4, downloadSmall: 16 },
  uploads: 15,
  memoryUploadBytes: 500 * MiB,
};
const names: string[] = [];
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.+)$/.exec(arg);
  if (!m) {
    if (arg.startsWith('-') || !(arg in BENCHMARKS)) usage();
    names.push(arg);
    continue;
  }
  const [, key, value] = m as unknown as [string, string, string];
  const n = Number(value);
  if (key === 'engine' && (value === 'raw' || value === 'http')) options.engine = value as Engine;
  else if (key === 'rounds' && n >= 1) options.rounds = Math.floor(n);
  else if (key === 'duration' && n > 0) options.durationMs = n * 1000;
  else if (key === 'warmup' && n >= 0) options.warmupMs = n * 1000;
  else if (key === 'uploads' && n >= 1) options.uploads = Math.floor(n);
  else if (key === 'memory-mib' && n >= 1) options.memoryUploadBytes = n * MiB;
  else usage();
}
if (names.length === 0) names.push(...Object.keys(BENCHMARKS));

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

log(`origo benchmarks, ${new Date().toISOString()}`);
log(
  `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB memory, node ${process.version}, ${os.platform()} ${os.release()}`,
);
log(
  `options: rounds ${options.rounds}, ${options.durationMs / 1000} s per round, warm-up ${options.warmupMs / 1000} s, engine ${options.engine}`,
);

await runBenchmarks(BENCHMARKS, names, options, { row: (name) => name, summary: '' });
