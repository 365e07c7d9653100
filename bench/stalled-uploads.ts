// Stalled uploads benchmark (issue 9): `npm run bench:stalled [-- --uploads=200 --idle=2 --grace=2]`
//
// A real origo process (packages/server/src/main.ts, as `npm start` runs it)
// gets many multipart uploads that send their headers and the start of a
// file, then go quiet. Measured:
//  1. every one is answered 408 ORIGO_ERR_REQUEST_TIMEOUT within the body
//     idle timeout plus a margin (the distribution is printed), and
//     blobs/.tmp is empty afterwards;
//  2. a metadata GET made while they stall keeps its latency (ratio against
//     the same GET measured before, in the same run);
//  3. SIGTERM with as many stalled uploads open (on an origo whose idle
//     timeout is far away) exits 0 within the shutdown grace plus a margin.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { smallJpeg, multipartFrame } from './lib/images.ts';
import { AUTH, atExit, json, ORG, ORIGO_NODE_FLAGS, ROOT_KEY, request, runCleanups, tempDir, uploadBuffer } from './lib/origo.ts';
import { REPO_DIR } from './lib/proc.ts';
import { fmt, log, quantile, type Row, table } from './lib/report.ts';

const settings = { uploads: 200, idleS: 2, graceS: 2, gets: 300 };
for (const arg of process.argv.slice(2)) {
  const m = /^--(uploads|idle|grace|gets)=(\d+)$/.exec(arg);
  if (!m) {
    log('usage: node --import tsx bench/stalled-uploads.ts [--uploads=N] [--idle=SECONDS] [--grace=SECONDS] [--gets=N]');
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

interface Proc {
  child: ChildProcess;
  url: string;
  dataDir: string;
  output(): string;
  exited: Promise<{ code: number | null; at: number }>;
}

async function startMain(env: Record<string, string>): Promise<Proc> {
  const dataDir = tempDir('origo-bench-stalled-');
  const child = spawn(process.execPath, [...ORIGO_NODE_FLAGS, '--import', 'tsx', path.join(REPO_DIR, 'packages/server/src/main.ts')], {
    cwd: REPO_DIR,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: ROOT_KEY, ORIGO_LOG_LEVEL: 'info', ...env },
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
  const res = await request(url, 'PUT', `/organizations/${ORG}`, { headers: { ...AUTH, 'content-type': 'application/json' }, body: Buffer.from('{}') });
  if (res.status !== 200) throw new Error(`creating organization: ${res.status} ${res.body.toString()}`);
  return { child, url, dataDir, output: () => out, exited };
}

const tempFiles = (p: Proc) => readdirSync(path.join(p.dataDir, 'blobs', '.tmp')).length;

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
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
  await new Promise<void>((resolve) => socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, frame.head.length + 100)]), () => resolve()));
  return { stalledAt: performance.now(), closed };
}

/** Latencies (ms) of `n` metadata GETs, one at a time, each on a new connection. */
async function getLatencies(url: string, hash: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await request(url, 'GET', `/sourceimages/${ORG}/${hash}`, { headers: AUTH });
    if (res.status !== 200) throw new Error(`metadata GET: ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

const dist = (values: number[], digits = 0) =>
  `p50 ${fmt(quantile(values, 0.5), digits)}, p95 ${fmt(quantile(values, 0.95), digits)}, p99 ${fmt(quantile(values, 0.99), digits)}, max ${fmt(Math.max(...values), digits)} ms`;

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

async function main(): Promise<void> {
  const { uploads, idleS, graceS, gets } = settings;
  log(`stalled uploads: ${uploads} uploads, body idle timeout ${idleS} s, shutdown grace ${graceS} s, ${gets} GETs per latency sample`);
  const rows: Row[] = [];
  const file = await smallJpeg(7);

  // 1 + 2: the idle timeout, and latency while the uploads stall.
  const origo = await startMain({ ORIGO_BODY_IDLE_TIMEOUT_SECONDS: String(idleS), ORIGO_SHUTDOWN_GRACE_SECONDS: String(graceS) });
  const created = await uploadBuffer(origo.url, multipartFrame('probe.jpg'), file);
  if (created.status !== 200) throw new Error(`upload: ${created.status} ${created.body.toString()}`);
  const hash = json<{ items: { hash: string }[] }>(created).items[0]!.hash;
  await getLatencies(origo.url, hash, 50);
  const baseline = await getLatencies(origo.url, hash, gets);
  log(`metadata GET, quiet:          ${dist(baseline, 2)}`);

  const opened = performance.now();
  const stalled = await Promise.all(Array.from({ length: uploads }, () => stallUpload(origo.url, file)));
  log(`opened ${uploads} stalled uploads in ${fmt(performance.now() - opened)} ms`);
  await until(() => tempFiles(origo) === uploads, `${uploads} staged temp files`, idleS * 1000);
  const stallStart = performance.now();
  const during = await getLatencies(origo.url, hash, gets);
  const duringWithinStall = performance.now() - stallStart;
  log(`metadata GET, while stalled:  ${dist(during, 2)} (sample took ${fmt(duringWithinStall)} ms, the stall ${idleS * 1000} ms)`);

  const answers = await Promise.all(stalled.map(async (s) => ({ ...(await s.closed), stalledAt: s.stalledAt })));
  const waits = answers.map((a) => a.at - a.stalledAt);
  const timedOut = answers.filter((a) => a.answer.startsWith('HTTP/1.1 408') && a.answer.includes('"origo_code":"ORIGO_ERR_REQUEST_TIMEOUT"')).length;
  const leftTemp = tempFiles(origo);
  log(`408 answers: ${timedOut}/${uploads}; last byte -> 408 and close: ${dist(waits)}; blobs/.tmp after: ${leftTemp} files`);
  const latest = Math.max(...waits);
  rows.push({
    bench: 'stalled',
    metric: `${uploads} stalled uploads: 408 after (max)`,
    origo: `${fmt(latest)} ms`,
    baseline: `${idleS * 1000} ms idle timeout`,
    ratio: fmt(latest / (idleS * 1000), 2),
    target: `all 408, <= timeout + ${MARGIN_MS} ms`,
    met: timedOut === uploads && latest <= idleS * 1000 + MARGIN_MS && Math.min(...waits) >= idleS * 1000 - 50,
    notes: `p50 ${fmt(quantile(waits, 0.5))} ms`,
  });
  rows.push({ bench: 'stalled', metric: 'temp files left', origo: String(leftTemp), baseline: '-', ratio: '-', target: '0', met: leftTemp === 0 });
  const ratio = quantile(during, 0.5) / quantile(baseline, 0.5);
  rows.push({
    bench: 'stalled',
    metric: 'metadata GET p50 while stalled',
    origo: `${fmt(quantile(during, 0.5), 2)} ms`,
    baseline: `${fmt(quantile(baseline, 0.5), 2)} ms`,
    ratio: fmt(ratio, 2),
    target: '<= 1.5',
    met: ratio <= 1.5 && duringWithinStall < idleS * 1000,
  });
  origo.child.kill('SIGTERM');
  await origo.exited;

  // 3: SIGTERM with the uploads open; their idle timeout is far away, so only the grace ends them.
  const holding = await startMain({ ORIGO_BODY_IDLE_TIMEOUT_SECONDS: '3600', ORIGO_SHUTDOWN_GRACE_SECONDS: String(graceS) });
  const held = await Promise.all(Array.from({ length: uploads }, () => stallUpload(holding.url, file)));
  await until(() => tempFiles(holding) === uploads, `${uploads} staged temp files`);
  const signalled = performance.now();
  holding.child.kill('SIGTERM');
  const { code, at } = await holding.exited;
  const took = at - signalled;
  await Promise.all(held.map((s) => s.closed));
  const cut = /closed (\d+) connections still open/.exec(holding.output())?.[1] ?? '0';
  const leftAfterStop = tempFiles(holding);
  log(`SIGTERM with ${uploads} stalled uploads: exit ${code} after ${fmt(took)} ms, ${cut} connections cut, blobs/.tmp after: ${leftAfterStop} files`);
  rows.push({
    bench: 'stalled',
    metric: `SIGTERM, ${uploads} stalled uploads open: exit after`,
    origo: `${fmt(took)} ms`,
    baseline: `${graceS * 1000} ms grace`,
    ratio: fmt(took / (graceS * 1000), 2),
    target: `exit 0, <= grace + ${MARGIN_MS} ms`,
    met: code === 0 && took <= graceS * 1000 + MARGIN_MS && Number(cut) === uploads && leftAfterStop === 0,
    notes: `${cut} cut, ${leftAfterStop} temp files left`,
  });

  log('');
  log(table(rows));
  if (rows.some((r) => !r.met)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  log(`stalled-uploads failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
