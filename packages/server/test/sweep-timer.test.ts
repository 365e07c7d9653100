// The sweep as the real process runs it on its timer (main.ts), with
// ORIGO_SWEEP_INTERVAL_SECONDS=1, ORIGO_RESTORE_WINDOW_DAYS=0 and
// ORIGO_BLOB_GRACE_SECONDS=3600: deleted rows are purged, an unused blob
// older than the grace is removed, an unused one younger than the grace is
// kept until it is older, and a blob in use is never removed.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogRows } from './catalog-rows.ts';
import { jpeg, sha1 } from './helpers.ts';
import { type ServerStorage, serverStorage } from './test-storage.ts';

const serverDir = path.resolve(import.meta.dirname, '..');
const ROOT = 'sweep-timer-root-key-0123456789';
// A start on a loaded 2-core machine can take long; main.ts also waits 5 s before the first sweep.
const DEADLINE_MS = 90_000;

let child: ChildProcess | undefined;
let output = '';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-sweep-'));

// The run's catalog (see test-storage.ts); blobs stay files, whose times the test sets.
let storage: ServerStorage | undefined;
const catalog = () => ({ dataDir, config: { databaseUrl: storage?.env['ORIGO_DATABASE_URL'] } });

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  await storage?.remove();
});

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The path of the blob file of `bytes` (named after their sha1), or undefined when there is none. */
function blobPath(bytes: Buffer): string | undefined {
  const prefix = sha1(bytes);
  const root = path.join(dataDir, 'blobs');
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(full);
        if (found) return found;
      } else if (entry.name.startsWith(prefix)) return full;
    }
    return undefined;
  };
  return walk(root);
}

async function rowCount(): Promise<number> {
  const [row] = await catalogRows<{ n: number }>(catalog(), 'SELECT count(*) AS n FROM images');
  return Number(row!.n);
}

/** Sets a file's times to `seconds` ago. */
function age(file: string, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(file, then, then);
}

async function uploadOne(url: string, name: string, bytes: Buffer): Promise<string> {
  const body = new FormData();
  body.append('filedata', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
  const res = await fetch(`${url}/sourceimages/acme`, { method: 'POST', headers: { 'api-key': ROOT }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`upload ${name}: ${res.status} ${text}`);
  return JSON.parse(text).items[0].hash;
}

describe('the sweep timer of the process', () => {
  it('purges deleted rows and removes unused blobs older than ORIGO_BLOB_GRACE_SECONDS only', {
    timeout: 4 * DEADLINE_MS,
  }, async () => {
    storage = await serverStorage({}, 'blob-files', false);
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: serverDir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        ORIGO_LOG_LEVEL: 'info',
        ORIGO_DATA_DIR: dataDir,
        ...storage.env,
        ORIGO_ROOT_KEY: ROOT,
        ORIGO_SWEEP_INTERVAL_SECONDS: '1',
        ORIGO_RESTORE_WINDOW_DAYS: '0',
        ORIGO_BLOB_GRACE_SECONDS: '3600',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    const url = await waitFor('listening', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]);
    expect(
      (await fetch(`${url}/organizations/acme`, { method: 'PUT', headers: { 'api-key': ROOT }, body: '{}' })).status,
    ).toBe(200);

    const oldBytes = await jpeg(1);
    const youngBytes = await jpeg(2);
    const liveBytes = await jpeg(3);
    const oldHash = await uploadOne(url, 'old.jpg', oldBytes);
    const youngHash = await uploadOne(url, 'young.jpg', youngBytes);
    await uploadOne(url, 'live.jpg', liveBytes);
    for (const hash of [oldHash, youngHash]) {
      const res = await fetch(`${url}/sourceimages/acme/${hash}`, { method: 'DELETE', headers: { 'api-key': ROOT } });
      expect(res.status).toBe(204);
    }

    // With a restore window of 0 the deleted rows go at the next sweep; their blobs, all fresh, stay.
    await waitFor('the deleted rows purged', async () => ((await rowCount()) === 1 ? true : undefined));
    const oldBlob = blobPath(oldBytes);
    const youngBlob = blobPath(youngBytes);
    const liveBlob = blobPath(liveBytes);
    expect(oldBlob).toBeDefined();
    expect(youngBlob).toBeDefined();
    expect(liveBlob).toBeDefined();

    // Two hours old, past the grace of one: the unused one goes, the one in use stays.
    age(oldBlob!, 7200);
    age(liveBlob!, 7200);
    await waitFor('the old unused blob removed', () => (existsSync(oldBlob!) ? undefined : true));
    expect(existsSync(youngBlob!)).toBe(true);
    expect(existsSync(liveBlob!)).toBe(true);

    // The young one was kept for its age alone: once older than the grace, it goes too.
    age(youngBlob!, 3700);
    await waitFor('the formerly young unused blob removed', () => (existsSync(youngBlob!) ? undefined : true));
    expect(existsSync(liveBlob!)).toBe(true);
    expect(await rowCount()).toBe(1);
    expect(output).toMatch(/sweep: purged expired images and unused blobs/);
    expect(output).not.toMatch(/sweep failed/);
  });
});
