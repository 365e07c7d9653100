// Render benchmarks: `npm run bench:render [-- uncached cached memory] [-- --rounds=N --duration=S]`
//
// Each part starts origo (a child process on a fresh temp data folder, no
// budget of uncached renders), uploads a 2725 x 2225 photo-like JPEG and
// measures GET /render/bench/dynamic/resize-width-720-height-588/{hash}.jpg
// against a baseline measured in the same run:
//  - uncached: every request a distinct URL (cache buster), vs bare sharp
//    on the same bytes in memory: renders/s at 2 in flight, CPU per render;
//  - cached:   one URL over and over, vs the same bytes served from a file;
//  - memory:   origo's RSS before and at its peak under 8 concurrent
//    distinct uncached renders.

import os from 'node:os';
import { runRenderCached } from './benchmarks/render-cached.ts';
import { runRenderMemory } from './benchmarks/render-memory.ts';
import type { RenderBenchOptions } from './benchmarks/render-options.ts';
import { runRenderUncached } from './benchmarks/render-uncached.ts';
import { runCleanups } from './lib/origo.ts';
import { fmt, log, type Row } from './lib/report.ts';
import { runBenchmarks } from './lib/run-benchmarks.ts';

const PARTS: Record<string, { what: string; run: (o: RenderBenchOptions) => Promise<Row[]> }> = {
  uncached: {
    what: 'uncached 720x588 renders/s vs bare sharp on the same bytes in memory (target ratio >= 0.8)',
    run: runRenderUncached,
  },
  cached: {
    what: 'cached render req/s vs node:http + fs.createReadStream of the same bytes (target ratio >= 0.8)',
    run: runRenderCached,
  },
  memory: { what: 'server RSS before and at its peak under 8 concurrent uncached renders', run: runRenderMemory },
};

function usage(): never {
  log(
    'usage: node --import tsx bench/render.ts [uncached|cached|memory ...] [--rounds=N] [--duration=SECONDS] [--warmup=SECONDS]',
  );
  log('         [--engine=raw|http] [--connections-cached=N] [--connections-memory=N]');
  for (const [name, p] of Object.entries(PARTS)) log(`  ${name.padEnd(9)} ${p.what}`);
  process.exit(2);
}

const options: RenderBenchOptions = {
  rounds: 3,
  durationMs: 5000,
  warmupMs: 2000,
  engine: 'raw',
  connections: { uncached: 2, cached: 16, memory: 8 },
};
const names: string[] = [];
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.+)$/.exec(arg);
  if (!m) {
    if (arg.startsWith('-') || !(arg in PARTS)) usage();
    names.push(arg);
    continue;
  }
  const key = m[1];
  const value = m[2] ?? '';
  const n = Number(value);
  if (key === 'engine' && (value === 'raw' || value === 'http')) options.engine = value;
  else if (key === 'rounds' && n >= 1) options.rounds = Math.floor(n);
  else if (key === 'duration' && n > 0) options.durationMs = n * 1000;
  else if (key === 'warmup' && n >= 0) options.warmupMs = n * 1000;
  else if (key === 'connections-cached' && n >= 1) options.connections.cached = Math.floor(n);
  else if (key === 'connections-memory' && n >= 1) options.connections.memory = Math.floor(n);
  else usage();
}
if (names.length === 0) names.push(...Object.keys(PARTS));

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

log(`origo render benchmarks, ${new Date().toISOString()}`);
log(
  `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB memory, node ${process.version}, ${os.platform()} ${os.release()}`,
);
log(
  `options: rounds ${options.rounds}, ${options.durationMs / 1000} s per round, warm-up ${options.warmupMs / 1000} s, engine ${options.engine}, ` +
    `connections: uncached ${options.connections.uncached}, cached ${options.connections.cached}, memory ${options.connections.memory}`,
);

await runBenchmarks(PARTS, names, options, {
  row: (name) => `render ${name}`,
  summary: `: npm run bench:render ${process.argv.slice(2).join(' ')}`,
});
