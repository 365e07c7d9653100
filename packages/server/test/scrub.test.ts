// `origo-server scrub` as a user runs it (a child process, beside a running
// server), and the periodic scrub inside the server.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, ROOT_KEY, sha1, startServer, type TestServer, upload, uniquePng } from './helpers.ts';
import { blobPathOf } from './logged-server.ts';

const LAUNCHER = fileURLToPath(new URL('../bin/origo-server.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ORIGO_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Stored {
  hash: string;
  bytes: Buffer;
  key: string;
}

let server: TestServer;
const scrubCli = (...args: string[]) => runCli(['scrub', ...args], { ORIGO_DATA_DIR: server.dataDir });

async function store(org: string, bytes: Buffer): Promise<Stored> {
  const res = await upload(server, org, [{ name: 'photo.png', bytes }]);
  if (res.status !== 200) throw new Error(res.text);
  return { hash: res.json.items[0].hash, bytes, key: `${sha1(bytes)}-${createHash('sha256').update(bytes).digest('hex')}` };
}

let shared: Stored;
let deleted: Stored;
let truncated: Stored;
let sound: Stored;

beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  await createOrg(server, 'globex');
  const sharedBytes = await uniquePng(1);
  shared = await store('acme', sharedBytes);
  await store('globex', sharedBytes);
  deleted = await store('acme', await uniquePng(2));
  truncated = await store('globex', await uniquePng(3));
  sound = await store('acme', await uniquePng(4));
});
afterAll(() => server.close());

describe('origo-server scrub', () => {
  it('exits 0 on a sound store, and leaves the running server its temp files', async () => {
    const staging = path.join(server.dataDir, 'blobs', '.tmp', 'stage-in-flight.tmp');
    writeFileSync(staging, 'an upload under way');
    const run = await scrubCli();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^scrub: 4 blobs \(0\.\d MB\) checked in [\d.]+ s: 0 missing, 0 damaged\n$/);
    expect(existsSync(staging)).toBe(true);
    rmSync(staging);
  });

  it('reports damaged and missing blobs with their images and organizations, and exits 1', async () => {
    const damaged = Buffer.from(shared.bytes);
    damaged[50] = (damaged[50] ?? 0) ^ 0x01;
    writeFileSync(blobPathOf(server.dataDir, sha1(shared.bytes)), damaged);
    rmSync(blobPathOf(server.dataDir, sha1(deleted.bytes)));
    truncateSync(blobPathOf(server.dataDir, sha1(truncated.bytes)), 40);
    // A deleted image still needs its blob: it can be restored.
    expect((await api(server, 'DELETE', `/sourceimages/globex/${truncated.hash}`)).status).toBe(204);

    const run = await scrubCli('--progress-seconds=0');
    expect(run.code, run.stderr).toBe(1);
    const out = run.stdout;
    expect(out).toContain(`damaged blob ${shared.key}: sha1 is ${sha1(damaged)}; sha256 is ${createHash('sha256').update(damaged).digest('hex')}`);
    expect(out).toContain(`  used by image ${shared.hash} in organization acme\n`);
    expect(out).toContain(`  used by image ${shared.hash} in organization globex\n`);
    expect(out).toContain(`missing blob ${deleted.key}\n  used by image ${deleted.hash} in organization acme\n`);
    expect(out).toContain(`damaged blob ${truncated.key}: `);
    expect(out).toContain(`40 bytes stored, the images say ${truncated.bytes.length}`);
    expect(out).toContain(`  used by image ${truncated.hash} in organization globex (deleted, restorable)\n`);
    expect(out).not.toContain(sound.key);
    expect(out).toMatch(/scrub: 4 blobs \([\d.]+ MB\) checked in [\d.]+ s: 1 missing, 2 damaged\n$/);
    expect(run.stderr).toMatch(/origo-server scrub: \d blobs .* checked in/);
  });

  it('is clean again after the original bytes are uploaded again', async () => {
    expect((await api(server, 'POST', `/sourceimages/globex/${truncated.hash}/restore`)).status).toBe(200);
    for (const image of [shared, deleted, truncated]) {
      const again = await upload(server, image === truncated ? 'globex' : 'acme', [{ name: 'photo.png', bytes: image.bytes }]);
      expect(again.status).toBe(200);
    }
    const run = await scrubCli();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('0 missing, 0 damaged');
    const got = await fetch(`${server.url}/sourceimages/acme/${shared.hash}/download`, { headers: { 'api-key': ROOT_KEY } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(shared.bytes)).toBe(true);
  });

  it('exits 2 on bad settings, an unknown option or a folder without origo data', async () => {
    const badPort = await runCli(['scrub'], { ORIGO_DATA_DIR: server.dataDir, PORT: 'eighty' });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('PORT');

    const empty = mkdtempSync(path.join(os.tmpdir(), 'origo-empty-'));
    try {
      const none = await runCli(['scrub'], { ORIGO_DATA_DIR: empty });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(`no origo data in ${empty}`);
      expect(existsSync(path.join(empty, 'origo.sqlite'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }

    const unknown = await scrubCli('--fast');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option "--fast"');
  });

  it('--help lists the commands', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('start');
    expect(help.stdout).toContain('scrub');
  });
});

describe('the periodic scrub (ORIGO_SCRUB_INTERVAL_SECONDS)', () => {
  it('logs each damaged blob at error level and a summary at info', async () => {
    const damaged = Buffer.from(sound.bytes);
    damaged[60] = (damaged[60] ?? 0) ^ 0x80;
    const file = blobPathOf(server.dataDir, sha1(sound.bytes));
    writeFileSync(file, damaged);
    const child = spawn(process.execPath, [LAUNCHER, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        ORIGO_DATA_DIR: server.dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        ORIGO_LOG_LEVEL: 'info',
        ORIGO_SCRUB_INTERVAL_SECONDS: '1',
        ORIGO_ROOT_KEY: 'periodic-scrub-root-key-0123',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const lines = () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`no scrub summary within 60 s; output:\n${out}`)), 60_000);
        child.stdout.on('data', (c) => {
          out += c;
          if (lines().some((l) => l.msg === 'scrub: checked the stored blobs')) {
            clearTimeout(deadline);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
      });
      const problem = lines().find((l) => l.level === 50 && l.blobKey === sound.key);
      expect(problem, out).toMatchObject({ kind: 'damaged', images: [{ org: 'acme', image: sound.hash, deleted: false }] });
      const summary = lines().find((l) => l.msg === 'scrub: checked the stored blobs');
      expect(summary).toMatchObject({ level: 30, checkedBlobs: 4, missing: 0, damaged: 1 });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
      writeFileSync(file, sound.bytes);
      expect(readFileSync(file).equals(sound.bytes)).toBe(true);
    }
  });
});
