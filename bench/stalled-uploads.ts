// Stalled uploads benchmark (issue 9): `npm run bench:stalled [-- --uploads=200 --idle=2 --grace=2]`
//
// A real origo process (packages/server/dist/main.js, as `npm start` runs it)
// gets many multipart uploads that send their headers and the start of a
// file, then go quiet. Measured:
//  1. every one is answered 408 ORIGO_ERR_REQUEST_TIMEOUT within the body
//     idle timeout plus a margin (the distribution is printed), and
//     the staging folder (tmp/) is empty afterwards;
//  2. a metadata GET made while they stall keeps its latency (ratio against
//     the same GET measured before, in the same run): GETs one after another
//     from when the uploads are staged until the first 408;
//  3. SIGTERM with as many stalled uploads open (on an origo whose idle
//     timeout is far away) exits 0 within the shutdown grace plus a margin.
//
// Every wait has a deadline (the target plus GIVE_UP_MS): a server that
// hangs is killed (SIGKILL) and its rows are marked not met.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { builtServerFile } from './lib/built-server.ts';
import { DeadlineExceeded, settledBy, withDeadline } from './lib/deadline.ts';
import { multipartFrame, smallJpeg } from './lib/images.ts';
import {
  AUTH,
  atExit,
  json,
  ORG,
  ORIGO_NODE_FLAGS,
  ROOT_KEY,
  request,
  runCleanups,
  tempDir,
  uploadBuffer,
} from './lib/origo.ts';
import { REPO_DIR } from './lib/proc.ts';
import { fmt, log, quantile, type Row, table } from './lib/report.ts';

const settings = { uploads: 200, idleS: 2, graceS: 2, gets: 300 };
for (const arg of process.argv.slice(2)) {
  const m = /^--(uploads|idle|grace|gets)=(\d+)$/.exec(arg);
  if (!m) {
    log(
      'usage: node --import tsx bench/stalled-uploads.ts [--uploads=N] [--idle=SECONDS] [--grace=SECONDS] [--gets=N]',
    );
    process.exit(2);
  }
  const n = Number(m[2]);
  if (m[1] === 'uploads') settings.uploads = n;
  else if (m[1] === 'idle') settings.idleS = n;
  else if (m[1] === 'grace') settings.graceS = n;
  else settings.gets = n;
}
/** Allowed lateness of a 408 past the idle timeout, and of the exit past the grace (timer and scheduling slack on a busy machine). */
const MARGIN_MS = 1000;
/** How long past a target a wait goes on, so lateness can still be measured, before the server is killed. */
const GIVE_UP_MS = 5000;
/** Longest a single metadata GET may take before the server is taken for hung. */
const GET_DEADLINE_MS = 10_000;
/** The staged temp files have stopped growing once none is added for this long. */
const QUIET_MS = 500;

interface Proc {
  child: ChildProcess;
  url: string;
  dataDir: string;
  output(): string;
  exited: Promise<{ code: number | null; at: number }>;
}

async function startMain(env: Record<string, string>): Promise<Proc> {
  const dataDir = tempDir('origo-bench-stalled-');
  const child = spawn(process.execPath, [...ORIGO_NODE_FLAGS, await builtServerFile('main.js')], {
    cwd: REPO_DIR,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      ORIGO_DATA_DIR: dataDir,
      ORIGO_ROOT_KEY: ROOT_KEY,
      ORIGO_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unregister = atExit(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => {
      unregister();
      resolve({ code, at: performance.now() });
    }),
  );
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (url === undefined) {
    url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`origo did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const res = await request(url, 'PUT', `/organizations/${ORG}`, {
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: Buffer.from('{}'),
  });
  if (res.status !== 200) throw new Error(`creating organization: ${res.status} ${res.body.toString()}`);
  return { child, url, dataDir, output: () => out, exited };
}

const tempFiles = (p: Proc) => readdirSync(path.join(p.dataDir, 'tmp')).length;

/**
 * The most temp files staged at once: polls until all `expected` are there,
 * or none has been added for QUIET_MS since the first, or `timeoutMs` passed.
 * On a slow machine the first uploads can time out before the last is staged,
 * so the count may never reach `expected`.
 */
async function stagedPeak(p: Proc, expected: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let peak = tempFiles(p);
  let grewAt = performance.now();
  while (peak < expected && performance.now() < deadline && (peak === 0 || performance.now() - grewAt < QUIET_MS)) {
    await new Promise((r) => setTimeout(r, 10));
    const now = tempFiles(p);
    if (now > peak) {
      peak = now;
      grewAt = performance.now();
    }
  }
  return peak;
}

/** Waits for the process to exit until `ms` have passed, then kills it (SIGKILL). */
async function exitOrKill(p: Proc, ms: number): Promise<{ code: number | null; at: number; killed: boolean }> {
  try {
    return { ...(await withDeadline(p.exited, ms, 'exit')), killed: false };
  } catch (err) {
    if (!(err instanceof DeadlineExceeded)) throw err;
    p.child.kill('SIGKILL');
    return { ...(await p.exited), killed: true };
  }
}

interface Stalled {
  /** When the last byte was sent. */
  stalledAt: number;
  /** Resolves with what the server sent and when it closed the connection. */
  closed: Promise<{ answer: string; at: number }>;
}

/** Opens a connection, sends an upload's headers and the first bytes of its file, then nothing more. */
async function stallUpload(url: string, file: Buffer): Promise<Stalled> {
  const { hostname, port } = new URL(url);
  const frame = multipartFrame('stalled.jpg');
  const body = Buffer.concat([frame.head, file, frame.tail]);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<{ answer: string; at: number }>((resolve) =>
    socket.once('close', () => resolve({ answer: Buffer.concat(chunks).toString('utf8'), at: performance.now() })),
  );
  const head =
    `POST /sourceimages/${ORG} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nApi-Key: ${ROOT_KEY}\r\n` +
    `Content-Type: ${frame.contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
  await new Promise<void>((resolve) =>
    socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, frame.head.length + 100)]), () => resolve()),
  );
  return { stalledAt: performance.now(), closed };
}

/** Latency (ms) of one metadata GET on a new connection. */
async function timedGet(url: string, hash: string): Promise<number> {
  const t0 = performance.now();
  const res = await withDeadline(
    request(url, 'GET', `/sourceimages/${ORG}/${hash}`, { headers: AUTH }),
    GET_DEADLINE_MS,
    'answer to a metadata GET',
  );
  if (res.status !== 200) throw new Error(`metadata GET: ${res.status}`);
  return performance.now() - t0;
}

/** Latencies (ms) of metadata GETs, one at a time, while `more()` says so. */
async function getLatencies(url: string, hash: string, more: (done: number) => boolean): Promise<number[]> {
  const times: number[] = [];
  while (more(times.length)) times.push(await timedGet(url, hash));
  return times;
}

const dist = (values: number[], digits = 0) =>
  values.length === 0
    ? 'no samples'
    : `p50 ${fmt(quantile(values, 0.5), digits)}, p95 ${fmt(quantile(values, 0.95), digits)}, p99 ${fmt(quantile(values, 0.99), digits)}, max ${fmt(Math.max(...values), digits)} ms`;

/** Fewest GETs before the first 408 for the latency comparison to count. */
const MIN_DURING_GETS = 20;

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

async function main(): Promise<void> {
  const { uploads, idleS, graceS, gets } = settings;
  log(
    `stalled uploads: ${uploads} uploads, body idle timeout ${idleS} s, shutdown grace ${graceS} s, ${gets} GETs for the quiet latency sample`,
  );
  const rows: Row[] = [];
  try {
    await measure(rows);
  } catch (err) {
    if (!(err instanceof DeadlineExceeded)) throw err;
    // A request that hangs: the server is taken for hung (the cleanups kill it).
    rows.push({
      bench: 'stalled',
      metric: 'run stopped',
      origo: 'server hung',
      baseline: '-',
      ratio: '-',
      target: 'every wait within its deadline',
      met: false,
      notes: err.message,
    });
    runCleanups();
  }
  log('');
  log(table(rows));
  for (const r of rows) if (!r.met && r.notes) log(`- not met: ${r.metric}: ${r.notes}`);
  if (rows.some((r) => !r.met)) process.exitCode = 1;
}

async function measure(rows: Row[]): Promise<void> {
  const { uploads, idleS, graceS, gets } = settings;
  const idleMs = idleS * 1000;
  const graceMs = graceS * 1000;
  const file = await smallJpeg(7);

  // 1 + 2: the idle timeout, and latency while the uploads stall.
  const origo = await startMain({
    ORIGO_BODY_IDLE_TIMEOUT_SECONDS: String(idleS),
    ORIGO_SHUTDOWN_GRACE_SECONDS: String(graceS),
  });
  const created = await withDeadline(
    uploadBuffer(origo.url, multipartFrame('probe.jpg'), file),
    GET_DEADLINE_MS,
    'answer to the first upload',
  );
  if (created.status !== 200) throw new Error(`upload: ${created.status} ${created.body.toString()}`);
  const hash = json<{ items: { hash: string }[] }>(created).items[0]!.hash;
  await getLatencies(origo.url, hash, (done) => done < 50);
  const baseline = await getLatencies(origo.url, hash, (done) => done < gets);
  log(`metadata GET, quiet:          ${dist(baseline, 2)}`);

  const opened = performance.now();
  const stalled = await Promise.all(Array.from({ length: uploads }, () => stallUpload(origo.url, file)));
  const lastStall = Math.max(...stalled.map((s) => s.stalledAt));
  log(`opened ${uploads} stalled uploads in ${fmt(performance.now() - opened)} ms`);
  let firstAnswerAt: number | undefined;
  for (const s of stalled) {
    s.closed.then(({ at }) => {
      firstAnswerAt ??= at;
    });
  }
  const staged = await stagedPeak(origo, uploads, idleMs);
  log(`staged temp files: peak ${staged}/${uploads}`);
  // GETs from now until the first 408 (or its deadline): all of them inside the stall.
  const stallStart = performance.now();
  const getsUntil = lastStall + idleMs + MARGIN_MS + GIVE_UP_MS;
  const during = await getLatencies(
    origo.url,
    hash,
    () => firstAnswerAt === undefined && performance.now() < getsUntil,
  );
  log(
    `metadata GET, while stalled:  ${dist(during, 2)} (${during.length} GETs in ${fmt(performance.now() - stallStart)} ms, until the first 408)`,
  );

  const closes = await settledBy(
    stalled.map((s) => s.closed),
    lastStall + idleMs + MARGIN_MS + GIVE_UP_MS,
  );
  const answers = closes.flatMap((c, i) => (c === undefined ? [] : [{ ...c, stalledAt: stalled[i]!.stalledAt }]));
  const unanswered = uploads - answers.length;
  if (unanswered > 0) origo.child.kill('SIGKILL');
  const waits = answers.map((a) => a.at - a.stalledAt);
  const timedOut = answers.filter(
    (a) => a.answer.startsWith('HTTP/1.1 408') && a.answer.includes('"origo_code":"ORIGO_ERR_REQUEST_TIMEOUT"'),
  ).length;
  const leftTemp = tempFiles(origo);
  log(
    `408 answers: ${timedOut}/${uploads}; last byte -> 408 and close: ${dist(waits)}; tmp/ after: ${leftTemp} files` +
      (unanswered > 0
        ? `; ${unanswered} connections still open ${fmt(idleMs + MARGIN_MS + GIVE_UP_MS)} ms after the stall: origo killed`
        : ''),
  );
  const latest = waits.length === 0 ? Number.NaN : Math.max(...waits);
  rows.push({
    bench: 'stalled',
    metric: `${uploads} stalled uploads: 408 after (max)`,
    origo: waits.length === 0 ? 'no answer' : `${fmt(latest)} ms`,
    baseline: `${idleMs} ms idle timeout`,
    ratio: fmt(latest / idleMs, 2),
    target: `all 408, <= timeout + ${MARGIN_MS} ms`,
    met: timedOut === uploads && latest <= idleMs + MARGIN_MS && Math.min(...waits) >= idleMs - 50,
    notes: `p50 ${fmt(quantile(waits, 0.5))} ms; ${timedOut} answered 408${unanswered > 0 ? `, ${unanswered} never answered (origo killed)` : ''}; peak ${staged} staged at once`,
  });
  rows.push({
    bench: 'stalled',
    metric: 'temp files left',
    origo: String(leftTemp),
    baseline: '-',
    ratio: '-',
    target: '0',
    met: leftTemp === 0,
  });
  const ratio = quantile(during, 0.5) / quantile(baseline, 0.5);
  rows.push({
    bench: 'stalled',
    metric: 'metadata GET p50 while stalled',
    origo: `${fmt(quantile(during, 0.5), 2)} ms`,
    baseline: `${fmt(quantile(baseline, 0.5), 2)} ms`,
    ratio: fmt(ratio, 2),
    target: '<= 1.5',
    met: during.length >= MIN_DURING_GETS && firstAnswerAt !== undefined && ratio <= 1.5,
    notes:
      firstAnswerAt === undefined
        ? `${during.length} GETs, and no 408 came within the deadline`
        : `${during.length} GETs before the first 408 (at least ${MIN_DURING_GETS} needed)`,
  });
  origo.child.kill('SIGTERM');
  await exitOrKill(origo, graceMs + MARGIN_MS + GIVE_UP_MS);

  // 3: SIGTERM with the uploads open; their idle timeout is far away, so only the grace ends them.
  const holding = await startMain({
    ORIGO_BODY_IDLE_TIMEOUT_SECONDS: '3600',
    ORIGO_SHUTDOWN_GRACE_SECONDS: String(graceS),
  });
  const held = await Promise.all(Array.from({ length: uploads }, () => stallUpload(holding.url, file)));
  const heldStaged = await stagedPeak(holding, uploads, 60_000);
  const signalled = performance.now();
  holding.child.kill('SIGTERM');
  const { code, at, killed } = await exitOrKill(holding, graceMs + MARGIN_MS + GIVE_UP_MS);
  const took = at - signalled;
  // The process is gone: the kernel has closed its sockets, so these come at once.
  const heldClosed = (
    await settledBy(
      held.map((s) => s.closed),
      performance.now() + GIVE_UP_MS,
    )
  ).filter((c) => c !== undefined).length;
  const cut = /closed (\d+) connections still open/.exec(holding.output())?.[1] ?? '0';
  const leftAfterStop = tempFiles(holding);
  log(
    `SIGTERM with ${uploads} stalled uploads (${heldStaged} staged): exit ${code} after ${fmt(took)} ms${killed ? ' (did not exit: killed)' : ''}, ` +
      `${cut} connections cut, ${heldClosed} closed, tmp/ after: ${leftAfterStop} files`,
  );
  rows.push({
    bench: 'stalled',
    metric: `SIGTERM, ${uploads} stalled uploads open: exit after`,
    origo: `${fmt(took)} ms`,
    baseline: `${graceMs} ms grace`,
    ratio: fmt(took / graceMs, 2),
    target: `exit 0, <= grace + ${MARGIN_MS} ms`,
    met:
      !killed &&
      code === 0 &&
      took <= graceMs + MARGIN_MS &&
      Number(cut) === uploads &&
      heldClosed === uploads &&
      leftAfterStop === 0,
    notes: `${killed ? 'killed after the deadline, ' : ''}${heldStaged} staged, ${cut} cut, ${heldClosed} closed, ${leftAfterStop} temp files left`,
  });
}

main().catch((err: unknown) => {
  log(`stalled-uploads failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
