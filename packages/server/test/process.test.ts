// The real process: first start, bad settings, and a bounded clean stop on
// SIGTERM that lets a request in flight finish and cuts stalled clients.
//
// Each test waits for events (a log line, a file, an exit) with generous
// deadlines: a start takes a while on a loaded 2-core machine.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogRows, dialectOf } from './catalog-rows.ts';
import { oneFileBody } from './fixtures.ts';
import { jpeg } from './helpers.ts';
import { killAllOrigo, type OrigoProcess, startOrigo } from './origo-process.ts';
import { connect, parseResponse, until } from './raw-http.ts';
import { type ServerStorage, serverStorage } from './test-storage.ts';

/** Longest wait for a start or a stop. */
const START_MS = 90_000;
const TEST_MS = 180_000;

type Proc = OrigoProcess;
const startProcess = (env: Record<string, string>): Proc => startOrigo(env);

async function waitFor<T>(what: string, p: Proc, fn: () => T | undefined, timeoutMs = START_MS): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (p.child.exitCode !== null)
      throw new Error(`origo exited (${p.child.exitCode}) while waiting for ${what}:\n${p.output()}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const listeningUrl = (p: Proc) =>
  waitFor('listening', p, () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1]);

const dirs: string[] = [];
const storages: ServerStorage[] = [];

/** The catalog and blob store settings of this run (see test-storage.ts): a fresh database and prefix, removed after the test. */
async function storageEnv(): Promise<Record<string, string>> {
  const storage = await serverStorage({}, 'matrix', false);
  storages.push(storage);
  return storage.env;
}
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'origo-proc-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await killAllOrigo();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const storage of storages.splice(0)) await storage.remove();
});

describe('origo process', () => {
  it(
    'generates a root key on first start, prints it once and keeps only its digest (0600)',
    async () => {
      const dataDir = tempDir();
      const storage = await storageEnv();
      const first = startProcess({ ORIGO_DATA_DIR: dataDir, ...storage });
      const url = await listeningUrl(first);
      const key = /root API key[^\n]*\n\n\s+([0-9a-f]{64})\n/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      const file = path.join(dataDir, 'root-key.sha256');
      const onPostgres = storage['ORIGO_DATABASE_URL'] !== undefined;
      if (onPostgres) {
        // Kept in the shared catalog, for every node; no file in this node's folder.
        expect(first.output()).toContain("its SHA-256 is in the catalog's settings table (name root_key_sha256)");
        expect(existsSync(file)).toBe(false);
      } else {
        expect(statSync(file).mode & 0o777).toBe(0o600);
      }

      const ok = await fetch(`${url}/organizations/acme`, { method: 'PUT', headers: { 'api-key': key! }, body: '{}' });
      expect(ok.status).toBe(200);
      const bad = await fetch(`${url}/organizations/acme`, { headers: { 'api-key': 'x'.repeat(64) } });
      expect(bad.status).toBe(403);
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);

      // On PostgreSQL, another node (a data folder of its own) takes the same key.
      const second = startProcess({ ORIGO_DATA_DIR: onPostgres ? tempDir() : dataDir, ...storage });
      const url2 = await listeningUrl(second);
      expect(second.output()).not.toMatch(/generated the root API key/);
      expect((await fetch(`${url2}/organizations/acme`, { headers: { 'api-key': key! } })).status).toBe(200);
    },
    TEST_MS,
  );

  it(
    'refuses to start on a bad setting, naming it',
    async () => {
      const p = startProcess({ ORIGO_DATA_DIR: tempDir(), ORIGO_MAX_PIXELS: 'lots' });
      expect((await p.exited).code).toBe(2);
      expect(p.output()).toMatch(/bad setting: ORIGO_MAX_PIXELS must be a whole number/);
    },
    TEST_MS,
  );

  it(
    'refuses to start on an S3 store it cannot reach, naming the setting, without a stack trace',
    async () => {
      // A port nothing listens on: found free, then closed again.
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const p = startProcess({
        ORIGO_DATA_DIR: tempDir(),
        ORIGO_S3_ENDPOINT: `http://127.0.0.1:${port}`,
        ORIGO_S3_BUCKET: 'origo-images',
        ORIGO_S3_ACCESS_KEY_ID: 'nobody',
        ORIGO_S3_SECRET_ACCESS_KEY: 'nothing-at-all',
      });
      expect((await p.exited).code).toBe(2);
      expect(p.output()).toMatch(
        /origo: cannot start: cannot reach the S3 store \(bucket "origo-images" at http:\/\/127\.0\.0\.1:\d+, ORIGO_S3_ENDPOINT\): ECONNREFUSED/,
      );
      expect(p.output()).not.toContain('    at ');
    },
    TEST_MS,
  );

  it(
    'on SIGTERM answers an upload that finishes within the grace, cuts a stalled upload and an unread download at its end, exits 0',
    async () => {
      const dataDir = tempDir();
      const tempFiles = () => readdirSync(path.join(dataDir, 'tmp'));
      const key = 'proc-test-root-key-0123456789';
      // The late upload must be answered within it: generous, for a loaded machine.
      const graceMs = 5000;
      const storage = await storageEnv();
      const p = startProcess({
        ORIGO_DATA_DIR: dataDir,
        ...storage,
        ORIGO_ROOT_KEY: key,
        ORIGO_SHUTDOWN_GRACE_SECONDS: String(graceMs / 1000),
        // Far beyond the grace: only the stop may end the stalled clients.
        ORIGO_BODY_IDLE_TIMEOUT_SECONDS: '600',
        ORIGO_SEND_IDLE_TIMEOUT_SECONDS: '600',
      });
      const url = await listeningUrl(p);
      const { host } = new URL(url);
      expect(
        (await fetch(`${url}/organizations/acme`, { method: 'PUT', headers: { 'api-key': key }, body: '{}' })).status,
      ).toBe(200);

      // An image larger than the loopback socket buffers, for a download the client does not read.
      const width = 4000;
      const height = 3000;
      const big = await sharp(Buffer.alloc(width * height * 3, 33), { raw: { width, height, channels: 3 } })
        .png({ compressionLevel: 0 })
        .toBuffer();
      const form = new FormData();
      form.append('filedata', new Blob([new Uint8Array(big)]), 'big.png');
      const created = await fetch(`${url}/sourceimages/acme`, {
        method: 'POST',
        headers: { 'api-key': key },
        body: form,
      });
      expect(created.status).toBe(200);
      const bigHash: string = ((await created.json()) as { items: { hash: string }[] }).items[0]!.hash;

      const boundary = 'origo-sigterm-test';
      const uploadBody = (name: string, bytes: Buffer) => oneFileBody(boundary, name, bytes);
      const uploadHead = (length: number) =>
        `POST /sourceimages/acme HTTP/1.1\r\nHost: ${host}\r\nApi-Key: ${key}\r\nConnection: close\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`;

      const download = await connect(url, { read: false });
      await download.write(
        `GET /sourceimages/acme/${bigHash}/download HTTP/1.1\r\nHost: ${host}\r\nApi-Key: ${key}\r\n\r\n`,
      );
      await until(() => download.socket.bytesRead > 0, 'the download to start', START_MS);

      const stalledBody = uploadBody('stalled.jpg', await jpeg(1, 300, 200));
      const stalled = await connect(url);
      await stalled.write(uploadHead(stalledBody.length));
      await stalled.write(stalledBody.subarray(0, stalledBody.length - 100));
      await until(() => tempFiles().length === 1, 'the stalled upload to be staged', START_MS);

      const lateBody = uploadBody('late.jpg', await jpeg(3, 64, 64));
      const late = await connect(url);
      await late.write(uploadHead(lateBody.length));
      await late.write(lateBody.subarray(0, lateBody.length - 50));
      await until(() => tempFiles().length === 2, 'the late upload to be staged', START_MS);

      const signalledAt = Date.now();
      p.child.kill('SIGTERM');
      await waitFor('the stop to begin', p, () =>
        p.output().includes('stopping: finishing in-flight requests') ? true : undefined,
      );
      // The rest of the late upload arrives after the stop began, within the grace.
      await late.write(lateBody.subarray(lateBody.length - 50));
      const answer = parseResponse(await late.closed());
      expect(answer.status, answer.body.toString()).toBe(200);
      const lateHash: string = answer.json.items[0].hash;

      const { code, at } = await p.exited;
      expect(code).toBe(0);
      const took = at - signalledAt;
      expect(took).toBeGreaterThanOrEqual(graceMs - 50);
      expect(took).toBeLessThan(graceMs + 15_000);
      expect(p.output()).toContain(
        `closed 2 connections still open after ${graceMs / 1000} s (ORIGO_SHUTDOWN_GRACE_SECONDS)`,
      );
      expect(p.output()).toMatch(/stopped cleanly/);

      // The stalled clients were disconnected: the upload without an answer, the download cut short.
      expect((await stalled.closed()).length).toBe(0);
      const partial = await download.closed();
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(big.length);

      expect(tempFiles()).toEqual([]);
      const catalog = { dataDir, config: { databaseUrl: storage['ORIGO_DATABASE_URL'] } };
      if (dialectOf(catalog) === 'sqlite') {
        const db = new BetterSqlite3(path.join(dataDir, 'origo.sqlite'));
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          db.close();
        }
      }
      const hashes = await catalogRows<{ hash: string }>(catalog, 'select hash from images');
      expect(hashes.map((h) => h.hash).sort()).toEqual([bigHash, lateHash].sort());
    },
    TEST_MS,
  );
});
