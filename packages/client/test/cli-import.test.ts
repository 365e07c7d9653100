// `origo import` and `origo export` run as child processes: a copy from a
// second origo with every kind of image, a re-run that copies nothing, an
// export/import round trip, and bad input ending with the documented exit
// code (1 some failed, 2 usage, 3 auth, 4 not found, 5 unreachable) and a
// one-line message.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { deadUrl, runOrigo } from './move-cli-run.ts';
import { expectSameImages, imagesOf, seedSource } from './move-fixtures.ts';

let from: TestServer;
let to: TestServer;
const dirs: string[] = [];

beforeAll(async () => {
  [from, to] = await Promise.all([startServer(), startServer()]);
  await seedSource(from, 'src', 2);
});
afterAll(async () => {
  await Promise.all([from?.close(), to?.close()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const targetEnv = () => ({ ORIGO_URL: to.url, ORIGO_API_KEY: ROOT_KEY });
const fromServer = (org: string, ...more: string[]) => [
  'import',
  '--from-url',
  from.url,
  '--from-org',
  'src',
  '--org',
  org,
  ...more,
];

describe('origo import --from-url', () => {
  it('copies every image with the same hashes and fields; a re-run copies nothing', async () => {
    await createOrg(to, 'dst');
    const first = await runOrigo(['--json', ...fromServer('dst')], { ...targetEnv(), ORIGO_FROM_API_KEY: ROOT_KEY });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ copied: 7, skipped: 0, failed: [], interrupted: false });
    await expectSameImages(from, 'src', to, 'dst');

    const again = await runOrigo(fromServer('dst', '--from-key', ROOT_KEY), targetEnv());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('copied 0, skipped 7 (already there), failed 0 of 7 images');
  });

  it('exits 3 naming --from-key when the source refuses the key', async () => {
    await createOrg(to, 'auth');
    const res = await runOrigo(fromServer('auth', '--from-key', 'wrong-key-0123456789abcdef0123'), targetEnv());
    expect(res.code).toBe(3);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^origo: listing organization src on .*HTTP 403.*--from-key/);
    expect((await imagesOf(to, 'auth')).size).toBe(0);
  });

  it('exits 4 when the target organization does not exist, 2 on bad usage, 5 when the source is down', async () => {
    const missing = await runOrigo(fromServer('nowhere', '--from-key', ROOT_KEY), targetEnv());
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^origo: target organization nowhere .*HTTP 404/);

    const usage = await runOrigo(['import', '--org', 'dst', '--from-url', from.url], targetEnv());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--from-org is missing');
    const concurrency = await runOrigo([...fromServer('dst'), '--concurrency', 'many'], targetEnv());
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain('expected a whole number from 1 to 64, got "many"');

    await createOrg(to, 'down');
    const down = await runOrigo(
      ['import', '--from-url', await deadUrl(), '--from-org', 'src', '--org', 'down'],
      targetEnv(),
    );
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/cannot be reached, check --from-url/);
  });
});

describe('origo export and origo import --from-dir', () => {
  it('round-trips exactly, and a manifest entry with ../ is refused with exit 1 while the rest import', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-export-'));
    dirs.push(dir);
    const exported = await runOrigo(['export', '--org', 'src', dir], { ORIGO_URL: from.url, ORIGO_API_KEY: ROOT_KEY });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('copied 7, skipped 0 (already there), failed 0 of 7 images');

    await createOrg(to, 'back');
    const back = await runOrigo(['import', '--from-dir', dir, '--org', 'back'], targetEnv());
    expect(back.code, back.stderr).toBe(0);
    await expectSameImages(from, 'src', to, 'back');

    const manifest = path.join(dir, 'manifest.ndjson');
    const lines = readFileSync(manifest, 'utf8').trim().split('\n');
    const climbing = JSON.parse(lines[0]!) as { file: string; hash: string };
    climbing.file = `../${climbing.file}`;
    writeFileSync(manifest, [JSON.stringify(climbing), ...lines.slice(1)].join('\n'));
    await createOrg(to, 'guarded');
    const guarded = await runOrigo(['import', '--from-dir', dir, '--org', 'guarded'], targetEnv());
    expect(guarded.code).toBe(1);
    expect(guarded.stderr).toContain(`failed ${climbing.hash}`);
    expect(guarded.stderr).toContain(`manifest.ndjson line 1: refused, file "${climbing.file}" climbs out`);
    expect(guarded.stdout).toContain('copied 6, skipped 0 (already there), failed 1 of 7 images');
    expect((await imagesOf(to, 'guarded')).has(climbing.hash)).toBe(false);
  });

  it('exits 4 with a hint when the folder has no manifest', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-empty-'));
    dirs.push(empty);
    const res = await runOrigo(['import', '--from-dir', empty, '--org', 'back'], targetEnv());
    expect(res.code).toBe(4);
    expect(res.stderr).toContain('is it a folder `origo export` wrote?');
  });
});
