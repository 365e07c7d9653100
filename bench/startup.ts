// Start-up benchmark (issue 11): `npm run bench:startup [-- --rounds=N]`
//
// Starts origo again and again, each way on its own data folder (migrated by
// a first, unmeasured start, as a restart finds it), and measures per start:
//  - time to first answer: from the spawn to the first 200 of GET /user with
//    the root key (the database open, the routes up);
//  - CPU the start cost (the process and its children, user + system), which
//    other load on the machine disturbs less than the wall time;
//  - RSS at idle: the process and its children once their CPU time has stood
//    still for IDLE_MS after that answer.
// The ways, alternating in every round so they see the same conditions:
//  - before: `node --import tsx packages/server/src/main.ts`, how `npm start`
//    ran origo before the build (tsx's transform cache warm);
//  - before, cold cache: the same with TSX_DISABLE_CACHE=1 (a start after an edit);
//  - after: `node packages/server/bin/origo-server.js start`, how `npm start`
//    runs it now (the dist/ freshness check, then the compiled server).
// Ratios are after / before (the warm tsx start), from medians over rounds.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { builtServerFile } from './lib/built-server.ts';
import { AUTH, atExit, ORIGO_NODE_FLAGS, ROOT_KEY, request, runCleanups, tempDir } from './lib/origo.ts';
import { machineCpuMs, REPO_DIR } from './lib/proc.ts';
import { fmt, log, MiB, median } from './lib/report.ts';

/** How long the CPU time must stand still for the process to count as idle. */
const IDLE_MS = 500;
/** Longest wait for a start, and for idleness after it. */
const START_MS = 90_000;
const IDLE_WAIT_MS = 10_000;

interface Way {
  label: string;
  args: string[];
  env: Record<string, string>;
  dataDir: string;
  starts: Start[];
}

interface Start {
  firstAnswerMs: number;
  cpuMs: number;
  rssBytes: number;
  /** CPU time of everything else on the machine during the start, in cores. */
  otherCores: number;
}

let rounds = 7;
for (const arg of process.argv.slice(2)) {
  const m = /^--rounds=(\d+)$/.exec(arg);
  if (!m || Number(m[1]) < 1) {
    log('usage: node --import tsx bench/startup.ts [--rounds=N]');
    process.exit(2);
  }
  rounds = Number(m[1]);
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const CLK_TCK = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children
      .split(' ')
      .filter((c) => c !== '')
      .map(Number))
      found.push(child, ...descendants(child));
  }
  return found;
}

/** CPU ms of the process, the children it has waited for, and the children still running (tsx's esbuild, if any). */
function treeCpuMs(pid: number): number {
  const ticks = (fields: string[] | undefined, from: number, to: number) =>
    fields ? fields.slice(from, to + 1).reduce((sum, f) => sum + Number(f), 0) : 0;
  // Fields after the command name: utime, stime, cutime, cstime are 14 to 17 of stat, here 11 to 14.
  const own = ticks(statFields(pid), 11, 14);
  const live = descendants(pid).reduce((sum, child) => sum + ticks(statFields(child), 11, 12), 0);
  return ((own + live) * 1000) / CLK_TCK;
}

function treeRssBytes(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, p) => {
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      return sum + Number(kb ?? 0) * 1024;
    } catch {
      return sum;
    }
  }, 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function spawnWay(way: Way): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, way.args, {
    cwd: REPO_DIR,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      ORIGO_DATA_DIR: way.dataDir,
      ORIGO_ROOT_KEY: ROOT_KEY,
      ORIGO_LOG_LEVEL: 'info',
      // No sweep in the first seconds: idle means idle.
      ORIGO_SWEEP_INTERVAL_SECONDS: '0',
      ...way.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  atExit(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return { child, output: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function startOnce(way: Way): Promise<Start> {
  const machineBefore = machineCpuMs().busy;
  const t0 = performance.now();
  const { child, output } = spawnWay(way);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${way.label}: no pid`);
  try {
    let url: string | undefined;
    for (;;) {
      url ??= /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
      if (url !== undefined) {
        const res = await request(url, 'GET', '/user', { headers: AUTH });
        if (res.status === 200) break;
        throw new Error(`${way.label}: GET /user answered ${res.status}: ${res.body.toString()}`);
      }
      if (child.exitCode !== null)
        throw new Error(`${way.label}: exited (${child.exitCode}) before answering:\n${output()}`);
      if (performance.now() - t0 > START_MS)
        throw new Error(`${way.label}: no answer within ${START_MS / 1000} s:\n${output()}`);
      await sleep(2);
    }
    const firstAnswerMs = performance.now() - t0;
    const cpuMs = treeCpuMs(pid);
    const otherCores = (machineCpuMs().busy - machineBefore - cpuMs) / firstAnswerMs;

    let last = treeCpuMs(pid);
    let stillSince = performance.now();
    const idleDeadline = performance.now() + IDLE_WAIT_MS;
    while (performance.now() - stillSince < IDLE_MS) {
      if (performance.now() > idleDeadline)
        throw new Error(`${way.label}: still busy ${IDLE_WAIT_MS / 1000} s after its first answer`);
      await sleep(50);
      const now = treeCpuMs(pid);
      if (now !== last) {
        last = now;
        stillSince = performance.now();
      }
    }
    return { firstAnswerMs, cpuMs, rssBytes: treeRssBytes(pid), otherCores };
  } finally {
    await stop(child);
  }
}

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

// Built before the first start: a compile is not a start.
await builtServerFile('main.js');
const ways: Way[] = [
  {
    label: 'before: tsx',
    args: [...ORIGO_NODE_FLAGS, '--import', 'tsx', 'packages/server/src/main.ts'],
    env: {},
    dataDir: '',
    starts: [],
  },
  {
    label: 'before: tsx, cold cache',
    args: [...ORIGO_NODE_FLAGS, '--import', 'tsx', 'packages/server/src/main.ts'],
    env: { TSX_DISABLE_CACHE: '1' },
    dataDir: '',
    starts: [],
  },
  {
    label: 'after: dist',
    args: [...ORIGO_NODE_FLAGS, 'packages/server/bin/origo-server.js', 'start'],
    env: {},
    dataDir: '',
    starts: [],
  },
];
for (const way of ways) way.dataDir = tempDir('origo-bench-startup-');

log(`origo start-up benchmark, ${new Date().toISOString()}`);
log(
  `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; ${rounds} rounds after one unmeasured start each`,
);
for (const way of ways)
  log(
    `  ${way.label.padEnd(24)} node ${way.args.join(' ')}${Object.keys(way.env).length > 0 ? ` (${new URLSearchParams(way.env)})` : ''}`,
  );
log('');

for (const way of ways) await startOnce(way);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ways : [...ways].reverse();
  const line: string[] = [];
  for (const way of order) {
    const s = await startOnce(way);
    way.starts.push(s);
    line.push(`${way.label} ${fmt(s.firstAnswerMs)} ms (cpu ${fmt(s.cpuMs)} ms) ${fmt(s.rssBytes / MiB)} MiB`);
  }
  log(`  round ${round + 1}/${rounds}: ${line.join(' | ')}`);
}

const med = (way: Way, pick: (s: Start) => number) => median(way.starts.map(pick));
const before = ways[0]!;
log('');
log('| way | first answer | CPU to first answer | RSS at idle | other load |');
log('|---|---|---|---|---|');
for (const way of ways) {
  const ratio = (pick: (s: Start) => number) =>
    way === before ? '' : ` (${fmt(med(way, pick) / med(before, pick), 2)}×)`;
  log(
    `| ${way.label} | ${fmt(med(way, (s) => s.firstAnswerMs))} ms${ratio((s) => s.firstAnswerMs)} | ${fmt(med(way, (s) => s.cpuMs))} ms${ratio((s) => s.cpuMs)} ` +
      `| ${fmt(med(way, (s) => s.rssBytes) / MiB, 1)} MiB${ratio((s) => s.rssBytes)} | ${fmt(med(way, (s) => s.otherCores) * 100)}% of a core |`,
  );
}
log('');
log('medians over rounds; (×) = after / before (the warm tsx start)');
