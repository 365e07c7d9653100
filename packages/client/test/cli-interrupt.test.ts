// Ctrl-C during `origo download` and `origo copy-all`, as a user presses it:
// the built command as a child process against a real origo, SIGINT sent
// once it has reported progress. It exits 130 with one line saying how to
// resume, leaves no partial file, and the same command run again does the rest.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createOrg,
  ROOT_KEY,
  sha1,
  startServer,
  type TestServer,
  uniquePng,
  upload,
} from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, runCli, startCli } from './cli-run.ts';

const COUNT = 300;

let server: TestServer;
let env: NodeJS.ProcessEnv;
let work: string;
/** sha1 of every stored original, as the test made them. */
const sha1s = new Set<string>();

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
  env = cleanEnv({ ORIGO_URL: server.url, ORIGO_API_KEY: ROOT_KEY });
  work = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-interrupt-'));
  await createOrg(server, 'many');
  // Fifty files a request keeps the seeding short.
  for (let start = 0; start < COUNT; start += 50) {
    const files = [];
    for (let i = start; i < start + 50; i++) {
      const bytes = await uniquePng(3_000_000 + i, 8, 8);
      sha1s.add(sha1(bytes));
      files.push({ name: `img-${String(i).padStart(4, '0')}.png`, bytes });
    }
    const res = await upload(server, 'many', files);
    expect(res.status, res.text).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function hashesIn(org: string): Promise<string[]> {
  const res = await api(server, 'GET', `/sourceimages/${org}?limit=2000`);
  expect(res.status, res.text).toBe(200);
  return res.json.items.map((i: { hash: string }) => i.hash);
}

describe('origo download', () => {
  it('stops on SIGINT with no partial file, and a re-run downloads the rest', async () => {
    const out = path.join(work, 'download');
    const args = ['download', '--org', 'many', '--search', 'format=png', '--out', out];
    const first = startCli(args, env);
    await first.waitForStderr(/^downloaded \S+ \w+ \(/m);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const last = stopped.stderr.trim().split('\n').at(-1);
    expect(last).toMatch(/^origo: interrupted: \d+ of 300 images downloaded; run the same command again to resume$/);
    const kept = readdirSync(out);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(COUNT);
    // Every file left is whole: named like an image, with an image's bytes.
    for (const name of kept) {
      expect(name).toMatch(/^img-\d{4}\.png$/);
      expect(sha1s.has(sha1(readFileSync(path.join(out, name))))).toBe(true);
    }

    const second = await runCli([...args, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ downloaded: COUNT - kept.length, skipped: kept.length, failed: 0 });
    const all = readdirSync(out);
    expect(all).toHaveLength(COUNT);
    expect(new Set(all.map((name) => sha1(readFileSync(path.join(out, name)))))).toEqual(sha1s);
  }, 120_000);
});

describe('origo copy-all', () => {
  it('stops on SIGINT after the request under way, and a re-run copies the rest', async () => {
    await createOrg(server, 'archive');
    const args = ['copy-all', 'many', '--to', 'archive', '--batch', '1'];
    const first = startCli(args, env);
    await first.waitForStderr(/^copied 3 images so far$/m);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const last = stopped.stderr.trim().split('\n').at(-1);
    expect(last).toMatch(/^origo: interrupted: \d+ images copied to archive; run the same command again to resume$/);
    const copiedFirst = (await hashesIn('archive')).length;
    expect(copiedFirst).toBeGreaterThanOrEqual(3);
    expect(copiedFirst).toBeLessThan(COUNT);

    const second = await runCli([...args, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ created: COUNT - copiedFirst, existing: copiedFirst });
    expect(new Set(await hashesIn('archive'))).toEqual(new Set(await hashesIn('many')));
  }, 120_000);
});
