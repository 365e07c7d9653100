// One server per data folder on the embedded SQLite catalog: a second one is
// refused with a message naming the folder and what to do, while the first
// keeps serving; after the first stops, cleanly or killed, a new one starts.
// The read-only scrub and PostgreSQL nodes are not held back.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, HOLDER_FILE, type LockHolder, lockDataDir } from '../src/storage/single-node-lock.ts';
import { jpeg } from './helpers.ts';
import { killAllOrigo, PROCESS_START_MS, startOrigo } from './origo-process.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';
import { until } from './raw-http.ts';

const TEST_MS = 4 * PROCESS_START_MS;
const KEY = 'single-node-lock-root-key-0123';

const dirs: string[] = [];
const databases: TestDatabase[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'origo-lock-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await killAllOrigo();
  for (const db of databases.splice(0)) await db.drop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serves(url: string): Promise<void> {
  const res = await fetch(`${url}/organizations/acme`, { method: 'PUT', headers: { 'api-key': KEY }, body: '{}' });
  expect([200, 409]).toContain(res.status);
  const org = await fetch(`${url}/organizations/acme`, { headers: { 'api-key': KEY } });
  expect(org.status).toBe(200);
}

const refusal = (dataDir: string, pid: number) =>
  new RegExp(
    `origo: cannot start: another origo server \\(pid ${pid} on host ${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, running since [0-9T:.Z-]+\\) is using the data folder ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ORIGO_DATA_DIR\\).*Stop that server first.*ORIGO_DATABASE_URL`,
  );

describe('a second origo server on one SQLite data folder (real processes)', () => {
  it(
    'is refused (exit 2, naming the folder and the holder) while the first keeps serving, and the scrub still runs beside it',
    async () => {
      const dataDir = tempDir();
      const first = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY });
      const url = await first.listening();
      await serves(url);
      const form = new FormData();
      form.append('filedata', new Blob([new Uint8Array(await jpeg(7))]), 'a.jpg');
      expect(
        (await fetch(`${url}/sourceimages/acme`, { method: 'POST', headers: { 'api-key': KEY }, body: form })).status,
      ).toBe(200);

      const second = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY });
      // Either it exits or it listens (a failure, said at once rather than at the test's timeout).
      const { code } = await Promise.race([
        second.exited,
        second.listening().then(
          (u) => ({ code: `listening at ${u}` }),
          () => second.exited,
        ),
      ]);
      expect(code, second.output()).toBe(2);
      expect(second.output()).toMatch(refusal(dataDir, first.child.pid!));
      expect(second.output()).not.toContain('    at ');

      // The first one was not disturbed.
      await serves(url);
      const scrub = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY }, ['scrub']);
      const scrubbed = await scrub.exited;
      expect(scrubbed.code, scrub.output()).toBe(0);
      expect(scrub.output()).toMatch(/1 blobs .* 0 missing, 0 damaged/);
      await serves(url);
    },
    TEST_MS,
  );

  it(
    'starts once the first stopped on SIGTERM, which leaves no holder record',
    async () => {
      const dataDir = tempDir();
      const first = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY });
      await serves(await first.listening());
      expect(JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8'))).toMatchObject({
        pid: first.child.pid,
        host: os.hostname(),
      });
      expect((await first.stop('SIGTERM')).code).toBe(0);
      expect(existsSync(path.join(dataDir, HOLDER_FILE))).toBe(false);

      const next = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY });
      await serves(await next.listening());
    },
    TEST_MS,
  );

  it(
    'starts at once after the first was killed (SIGKILL), taking over its fresh but dead lock',
    async () => {
      const dataDir = tempDir();
      const first = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY });
      await serves(await first.listening());
      expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
      // Its record is still there, with a heartbeat seconds old.
      expect(JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8'))).toMatchObject({ pid: first.child.pid });

      const next = startOrigo({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY });
      await serves(await next.listening());
      expect(JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8'))).toMatchObject({ pid: next.child.pid });
    },
    TEST_MS,
  );

  it.skipIf(!process.env['ORIGO_TEST_DATABASE_URL'])(
    'does not hold back a second node on the same data folder with ORIGO_DATABASE_URL',
    async () => {
      const database = await createTestDatabase(process.env['ORIGO_TEST_DATABASE_URL']!);
      databases.push(database);
      const dataDir = tempDir();
      const env = { ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: KEY, ORIGO_DATABASE_URL: database.url };
      const first = startOrigo(env);
      const firstUrl = await first.listening();
      await serves(firstUrl);
      const second = startOrigo(env);
      const secondUrl = await second.listening();
      await serves(secondUrl);
      await serves(firstUrl);
      expect(existsSync(path.join(dataDir, HOLDER_FILE))).toBe(false);
    },
    TEST_MS,
  );
});

describe('lockDataDir', () => {
  const record = (dataDir: string, holder: Partial<LockHolder>) =>
    writeFileSync(
      path.join(dataDir, HOLDER_FILE),
      JSON.stringify({
        pid: 4242,
        host: 'node-b.example',
        startedAt: '2026-12-01T10:00:00.000Z',
        id: 'feedface',
        ...holder,
      }),
    );

  it('refuses a second holder in the same process, naming this one', () => {
    const dataDir = tempDir();
    const lock = lockDataDir(dataDir);
    try {
      expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dataDir)).toThrow(`another origo server (pid ${process.pid} on host ${os.hostname()}`);
    } finally {
      lock.release();
    }
    lockDataDir(dataDir).release();
  });

  it('refuses where another host wrote a fresh heartbeat (a file system that does not share locks), and takes a stale one over', () => {
    const dataDir = tempDir();
    const now = new Date('2026-12-01T12:00:00.000Z');
    record(dataDir, { heartbeatAt: new Date(now.getTime() - 12_000).toISOString() });
    let refused: unknown;
    try {
      lockDataDir(dataDir, { now: () => now });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataDirInUseError);
    const message = (refused as Error).message;
    expect(message).toContain(
      `another origo server (pid 4242 on host node-b.example, running since 2026-12-01T10:00:00.000Z) is using the data folder ${dataDir}`,
    );
    expect(message).toContain('its heartbeat in');
    expect(message).toContain('12 s old');
    expect(message).toContain('start again in 18 s');
    expect(message).toContain('ORIGO_DATABASE_URL');

    // 31 s without a beat: that server is gone.
    record(dataDir, { heartbeatAt: new Date(now.getTime() - 31_000).toISOString() });
    const lock = lockDataDir(dataDir, { now: () => now });
    expect(JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: os.hostname(),
    });
    lock.release();
    expect(existsSync(path.join(dataDir, HOLDER_FILE))).toBe(false);
  });

  it('takes over a fresh record of a dead process on this host', () => {
    const dataDir = tempDir();
    // A pid far above pid_max: no such process.
    record(dataDir, { host: os.hostname(), pid: 2 ** 30, heartbeatAt: new Date().toISOString() });
    lockDataDir(dataDir).release();
  });

  it('reports a server that wrote its record over this one while running, and keeps beating', async () => {
    const dataDir = tempDir();
    const reports: string[] = [];
    const lock = lockDataDir(dataDir, { heartbeatMs: 20, onIntruder: (message) => reports.push(message) });
    try {
      record(dataDir, { heartbeatAt: new Date().toISOString() });
      await until(() => reports.length > 0, 'the intruder to be reported');
      expect(reports[0]).toContain(
        `another origo server (pid 4242 on host node-b.example, running since 2026-12-01T10:00:00.000Z) started on the data folder ${dataDir} beside this one`,
      );
      await until(
        () => JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8')).id === lock.holder.id,
        'this holder to beat again',
      );
      expect(reports).toHaveLength(1);
    } finally {
      lock.release();
    }
  });
});
