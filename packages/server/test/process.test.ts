// The real process: first start, bad settings, and a clean stop on SIGTERM
// that lets an in-flight upload finish.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { jpeg } from './helpers.ts';

const serverDir = path.resolve(import.meta.dirname, '..');

interface Proc {
  child: ChildProcess;
  output: () => string;
}

function startProcess(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', ORIGO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return { child, output: () => out };
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const listeningUrl = (p: Proc) => waitFor('listening', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1]);

const dirs: string[] = [];
const procs: Proc[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'origo-proc-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const p of procs.splice(0)) p.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('origo process', () => {
  it('generates a root key on first start, prints it once and keeps only its digest (0600)', async () => {
    const dataDir = tempDir();
    const first = startProcess({ ORIGO_DATA_DIR: dataDir });
    procs.push(first);
    const url = await listeningUrl(first);
    const key = /root API key[^\n]*\n\n\s+([0-9a-f]{64})\n/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    const file = path.join(dataDir, 'root-key.sha256');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const ok = await fetch(`${url}/organizations/acme`, { method: 'PUT', headers: { 'api-key': key! }, body: '{}' });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${url}/organizations/acme`, { headers: { 'api-key': 'x'.repeat(64) } });
    expect(bad.status).toBe(403);
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');

    const second = startProcess({ ORIGO_DATA_DIR: dataDir });
    procs.push(second);
    const url2 = await listeningUrl(second);
    expect(second.output()).not.toMatch(/generated the root API key/);
    expect((await fetch(`${url2}/organizations/acme`, { headers: { 'api-key': key! } })).status).toBe(200);
  });

  it('refuses to start on a bad setting, naming it', async () => {
    const p = startProcess({ ORIGO_DATA_DIR: tempDir(), ORIGO_MAX_PIXELS: 'lots' });
    procs.push(p);
    const [code] = await once(p.child, 'exit');
    expect(code).toBe(2);
    expect(p.output()).toMatch(/bad setting: ORIGO_MAX_PIXELS must be a whole number/);
  });

  it('on SIGTERM finishes an in-flight upload, then exits 0 with a clean database', async () => {
    const dataDir = tempDir();
    const key = 'proc-test-root-key-0123456789';
    const p = startProcess({ ORIGO_DATA_DIR: dataDir, ORIGO_ROOT_KEY: key });
    procs.push(p);
    const url = new URL(await listeningUrl(p));
    expect((await fetch(`${url.origin}/organizations/acme`, { method: 'PUT', headers: { 'api-key': key }, body: '{}' })).status).toBe(200);

    const bytes = await jpeg(3, 64, 64);
    const boundary = 'origo-sigterm-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="filedata"; filename="late.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = Buffer.concat([head, bytes, tail]);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/sourceimages/acme',
          headers: { 'api-key': key, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, 100));
      // Send the rest only after the server has been told to stop.
      setTimeout(() => {
        p.child.kill('SIGTERM');
        setTimeout(() => req.end(body.subarray(100)), 300);
      }, 300);
    });
    const res = await response;
    expect(res.status).toBe(200);
    const hash = JSON.parse(res.text).items[0].hash;
    const [code] = await once(p.child, 'exit');
    expect(code).toBe(0);
    expect(p.output()).toMatch(/stopped cleanly/);

    const db = new BetterSqlite3(path.join(dataDir, 'origo.sqlite'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('select count(*) as n from images where hash = ?').get(hash)).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
