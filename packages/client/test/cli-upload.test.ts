// `origo upload` as a user runs it: the built command as a child process
// against a real origo. Interrupted with Ctrl-C and run again, every file is
// stored exactly once; files already stored are skipped.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, ROOT_KEY, sha1, startServer, type TestServer, uniquePng } from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, ORIGO_BIN, runCli, runProgram, startCli } from './cli-run.ts';

let server: TestServer;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
  work = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-upload-'));
  env = cleanEnv({ ORIGO_URL: server.url, ORIGO_API_KEY: ROOT_KEY });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every image of an organization as the server lists it (not through the CLI). */
async function storedImages(org: string): Promise<{ hash: string; binary_hash: string; name: string }[]> {
  const res = await api(server, 'GET', `/sourceimages/${org}?limit=2000`);
  expect(res.status, res.text).toBe(200);
  return res.json.items;
}

async function makeFolder(name: string, count: number, seedBase: number): Promise<{ dir: string; sha1s: string[] }> {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  const sha1s: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = await uniquePng(seedBase + i, 8, 8);
    sha1s.push(sha1(bytes));
    writeFileSync(path.join(dir, `img-${String(i).padStart(4, '0')}.png`), bytes);
  }
  return { dir, sha1s };
}

describe('origo upload', () => {
  it('stops cleanly on SIGINT and, run again, stores every one of 1,000 files exactly once', async () => {
    await createOrg(server, 'resume');
    const { dir, sha1s } = await makeFolder('thousand', 1000, 1_000_000);

    const first = startCli(['upload', dir, '--org', 'resume', '--concurrency', '4'], env);
    // Plain progress lines (stderr is no terminal) count finished files: wait for the 50th.
    await first.waitForStderr(/\(50\/1000 files/);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('run the same command again to resume');
    const afterStop = await storedImages('resume');
    expect(afterStop.length).toBeGreaterThanOrEqual(50);
    expect(afterStop.length).toBeLessThan(1000);

    const second = await runCli(['upload', dir, '--org', 'resume', '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.skipped).toBe(afterStop.length);
    expect(summary.stored).toBe(1000 - afterStop.length);
    expect(summary.failed).toBe(0);

    const images = await storedImages('resume');
    expect(images).toHaveLength(1000);
    expect(new Set(images.map((i) => i.binary_hash))).toEqual(new Set(sha1s));
  }, 180_000);

  it('skips files already stored and sets --meta-user on the new ones', async () => {
    await createOrg(server, 'skip');
    const { dir, sha1s } = await makeFolder('five', 5, 2_000_000);
    const first = await runCli(
      ['upload', path.join(dir, 'img-0000.png'), path.join(dir, 'img-0001.png'), '--org', 'skip'],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('stored 2, skipped 0');

    const second = await runCli(
      ['upload', `${dir}/*.png`, '--org', 'skip', '--meta-user', 'source=camera', '--json'],
      env,
    );
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect({ stored: summary.stored, skipped: summary.skipped, failed: summary.failed }).toEqual({
      stored: 3,
      skipped: 2,
      failed: 0,
    });
    const skippedPaths = summary.items
      .filter((i: { outcome: string }) => i.outcome === 'skipped')
      .map((i: { path: string }) => path.basename(i.path));
    expect(skippedPaths.sort()).toEqual(['img-0000.png', 'img-0001.png']);

    const images = await storedImages('skip');
    expect(new Set(images.map((i) => i.binary_hash))).toEqual(new Set(sha1s));
    const withMeta = await api(server, 'GET', '/sourceimages/skip?user:str:source=camera');
    expect(withMeta.json.items.map((i: { name: string }) => i.name).sort()).toEqual([
      'img-0002.png',
      'img-0003.png',
      'img-0004.png',
    ]);
  }, 60_000);

  it('a file the server refuses fails alone: the others are stored, exit 1, a line saying what to do', async () => {
    await createOrg(server, 'partial');
    const { dir } = await makeFolder('mixed', 2, 3_000_000);
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image at all');
    const res = await runCli(['upload', dir, '--org', 'partial'], env);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/failed .*notes\.txt/);
    expect(res.stderr.trim().split('\n').at(-1)).toBe(
      'origo: 1 of 3 files failed (listed above): fix them and run the same command again; stored files are skipped',
    );
    expect(await storedImages('partial')).toHaveLength(2);
  }, 60_000);

  it('an unreadable file fails alone with exit 1; the others are stored', async () => {
    await createOrg(server, 'unreadable');
    const { dir } = await makeFolder('locked', 2, 4_000_000);
    // root reads any file whatever its mode; /proc/self/mem is one even root gets EIO from at offset 0.
    const asRoot = process.getuid?.() === 0;
    const unreadable = asRoot ? '/proc/self/mem' : path.join(work, 'locked.png');
    if (!asRoot) {
      writeFileSync(unreadable, await uniquePng(4_100_000, 8, 8));
      chmodSync(unreadable, 0o000);
    }
    const res = await runCli(['upload', dir, unreadable, '--org', 'unreadable'], env);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toContain(`failed ${unreadable}`);
    expect(res.stderr).toMatch(asRoot ? /EIO/ : /EACCES/);
    expect(res.stderr.trim().split('\n').at(-1)).toContain('1 of 3 files failed');
    expect(await storedImages('unreadable')).toHaveLength(2);
  }, 60_000);

  // util-linux `script` runs the command on a pseudo-terminal, as a person's shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript)(
    'on a terminal draws one bar with files, bytes, rate and ETA',
    async () => {
      await createOrg(server, 'tty');
      const { dir } = await makeFolder('tty', 3, 5_000_000);
      const command = [process.execPath, ORIGO_BIN, 'upload', dir, '--org', 'tty'].map((a) => `'${a}'`).join(' ');
      const res = await runProgram('script', ['-qec', command, '/dev/null'], env);
      expect(res.code, res.stdout).toBe(0);
      // Redrawn in place: carriage returns and "erase line", no line per file.
      expect(res.stdout).toContain('\r\x1b[K[');
      expect(res.stdout).toMatch(/\] 3\/3 files, [\d.]+ k?B\/[\d.]+ k?B, [\d.]+ k?B\/s, ETA 0s/);
      expect(res.stdout).not.toContain(`stored ${dir}`);
      expect(res.stdout).toContain('stored 3, skipped 0');
      expect(await storedImages('tty')).toHaveLength(3);
    },
    60_000,
  );

  it('without --org is a usage error (exit 2) naming the option', async () => {
    const res = await runCli(['upload', work], env);
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe("origo: required option '--org <org>' not specified: see `origo upload --help`");
  });
});
