// The image commands as a user runs them (built CLI, child process, real
// origo): list/search/get/download, user and dynamic metadata, delete and
// restore, copy and copy-all, stacks and render URLs. Effects are checked
// through the server's API, not through the CLI itself.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, png, ROOT_KEY, startServer, type TestServer, upload } from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, runCli } from './cli-run.ts';

let server: TestServer;
let env: NodeJS.ProcessEnv;
let work: string;
const bytes: Record<string, Buffer> = {};
const hashes: Record<string, string> = {};

/** Runs origo and expects exit 0; returns stdout. */
async function ok(...args: string[]): Promise<string> {
  const res = await runCli(args, env);
  expect(res.code, `origo ${args.join(' ')}\n${res.stderr}`).toBe(0);
  return res.stdout;
}

const json = async (...args: string[]) => JSON.parse(await ok(...args, '--json'));

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
  await createOrg(server, 'acme');
  await createOrg(server, 'other');
  await createOrg(server, 'archive');
  env = cleanEnv({ ORIGO_URL: server.url, ORIGO_API_KEY: ROOT_KEY });
  work = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-images-'));
  for (const [i, name] of ['beach.png', 'forest.png', 'city.png'].entries()) {
    bytes[name] = await png(i + 1, 16, 16);
    const res = await upload(server, 'acme', [{ name, bytes: bytes[name]! }]);
    expect(res.status, res.text).toBe(200);
    hashes[name] = res.json.items[0].hash;
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('reading images', () => {
  it('list prints a table of every image, and --json the listing', async () => {
    const table = await ok('list', '--org', 'acme');
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^HASH +NAME +FORMAT +SIZE +PIXELS +CREATED$/);
    for (const name of Object.keys(hashes)) expect(table).toContain(hashes[name]);
    expect(lines.at(-1)).toBe('3 of 3 images');
    const listing = await json('list', '--org', 'acme');
    expect(listing.total).toBe(3);
    expect(listing.items.map((i: { name: string }) => i.name).sort()).toEqual(['beach.png', 'city.png', 'forest.png']);
  });

  it('search filters by field=value terms; --all follows every page', async () => {
    const found = await json('search', '--org', 'acme', 'name=forest.png');
    expect(found.items.map((i: { hash: string }) => i.hash)).toEqual([hashes['forest.png']]);
    const all = await json('search', '--org', 'acme', '--all', '--limit', '1');
    expect(all.items).toHaveLength(3);
  });

  it('get shows one image, as fields or JSON', async () => {
    const image = await json('get', hashes['city.png']!, '--org', 'acme');
    expect(image).toMatchObject({ hash: hashes['city.png'], name: 'city.png', width: 16, height: 16 });
    expect(await ok('get', hashes['city.png']!, '--org', 'acme')).toMatch(/^name +city\.png$/m);
  });

  it('download writes the original bytes under the image name, by hash or for every search match', async () => {
    const one = path.join(work, 'one');
    await ok('download', hashes['beach.png']!, '--org', 'acme', '--out', one);
    expect(readFileSync(path.join(one, 'beach.png'))).toEqual(bytes['beach.png']);

    const every = path.join(work, 'every');
    await ok('download', '--org', 'acme', '--search', 'format=png', '--out', every);
    expect(readdirSync(every).sort()).toEqual(['beach.png', 'city.png', 'forest.png']);
    for (const name of Object.keys(bytes)) expect(readFileSync(path.join(every, name))).toEqual(bytes[name]);
  });
});

describe('changing images', () => {
  it('meta set, patch, get and delete change the user metadata', async () => {
    const hash = hashes['beach.png']!;
    await ok('meta', 'set', hash, 'title=Sunny Beach', 'int:rating=4', '--org', 'acme');
    await ok('meta', 'patch', hash, 'place=Nice', '--org', 'acme');
    const read = await api(server, 'GET', `/sourceimages/acme/${hash}`);
    expect(read.json.user_metadata).toEqual({ title: 'Sunny Beach', 'int:rating': 4, place: 'Nice' });
    expect(await json('meta', 'get', hash, '--org', 'acme')).toEqual({
      title: 'Sunny Beach',
      'int:rating': 4,
      place: 'Nice',
    });
    await ok('meta', 'delete', hash, 'place', '--org', 'acme');
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}`)).json.user_metadata).toEqual({
      title: 'Sunny Beach',
      'int:rating': 4,
    });
    await ok('meta', 'delete', hash, '--all', '--org', 'acme');
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}`)).json.user_metadata).toEqual({});
  });

  it('dynamic set gives the image a subject area and a new hash; delete takes it away', async () => {
    const before = hashes['forest.png']!;
    const set = await json('dynamic', 'set', before, '--org', 'acme', '--subject-area', '2,3,5,6');
    expect(set.hash).not.toBe(before);
    const image = await api(server, 'GET', `/sourceimages/acme/${set.hash}`);
    expect(image.json.dynamic_metadata.subject_area).toEqual({ x: 2, y: 3, width: 5, height: 6 });
    const removed = await json('dynamic', 'delete', set.hash, 'subject_area', '--org', 'acme', '--delete-previous');
    const after = await api(server, 'GET', `/sourceimages/acme/${removed.hash}`);
    expect(after.json.dynamic_metadata).toEqual({});
    expect((await api(server, 'GET', `/sourceimages/acme/${set.hash}`)).status).toBe(404);
  });

  it('delete removes an image and restore brings it back', async () => {
    const hash = hashes['city.png']!;
    await ok('delete', hash, '--org', 'acme');
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}`)).status).toBe(404);
    await ok('restore', hash, '--org', 'acme');
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}`)).status).toBe(200);
  });

  it('copy puts one image in another organization; copy-all every image', async () => {
    const hash = hashes['beach.png']!;
    await ok('copy', hash, '--org', 'acme', '--to', 'other');
    expect((await api(server, 'GET', `/sourceimages/other/${hash}`)).status).toBe(200);

    const summary = await json('copy-all', 'acme', '--to', 'archive');
    const live = (await api(server, 'GET', '/sourceimages/acme')).json.items.map((i: { hash: string }) => i.hash);
    expect(summary.created).toBe(live.length);
    const copied = (await api(server, 'GET', '/sourceimages/archive')).json.items.map((i: { hash: string }) => i.hash);
    expect(copied.sort()).toEqual(live.sort());
    const again = await json('copy-all', '--org', 'acme', '--to', 'archive');
    expect({ created: again.created, existing: again.existing }).toEqual({ created: 0, existing: live.length });
  });
});

describe('stacks and render URLs', () => {
  it('stack put, list, get and delete', async () => {
    await ok('stack', 'put', 'thumb', '--org', 'acme', '--operation', 'resize:width=8,height=8');
    const stored = await api(server, 'GET', '/stacks/acme/thumb');
    expect(stored.json.stack_operations).toEqual([{ name: 'resize', options: { width: 8, height: 8 } }]);
    expect(await ok('stack', 'list', '--org', 'acme')).toMatch(/^thumb +resize/m);
    expect((await json('stack', 'get', 'thumb', '--org', 'acme')).name).toBe('thumb');
    await ok('stack', 'put', 'gone', '--org', 'acme', '--operation', 'grayscale');
    await ok('stack', 'delete', 'gone', '--org', 'acme');
    expect((await api(server, 'GET', '/stacks/acme/gone')).status).toBe(404);
  });

  it('render-url prints a URL the server renders', async () => {
    const hash = hashes['city.png']!;
    const url = (await ok('render-url', hash, '--org', 'acme', '--stack', 'thumb', '--format', 'webp')).trim();
    expect(url).toBe(`${server.url}/render/acme/thumb/${hash}.webp`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
  });

  it('render-url builds dynamic operations and has the server sign the URL', async () => {
    const hash = hashes['city.png']!;
    const url = (
      await ok(
        'render-url',
        hash,
        '--org',
        'acme',
        '--operation',
        'resize:width=4,height=4',
        '--operation',
        'grayscale',
      )
    ).trim();
    expect(url).toBe(`${server.url}/render/acme/dynamic/resize-width-4-height-4--grayscale/${hash}.jpg`);
    const rendered = await fetch(url);
    expect(rendered.status).toBe(200);
    expect(rendered.headers.get('content-type')).toBe('image/jpeg');

    const signed = new URL((await ok('render-url', hash, '--org', 'acme', '--stack', 'thumb', '--sign')).trim());
    expect(signed.pathname).toBe(`/render/acme/thumb/${hash}.jpg`);
    expect(signed.searchParams.get('sig')).toMatch(/^[0-9a-f]{16}$/);
    expect((await fetch(signed)).status).toBe(200);
  });

  it('render-url refuses what no server would read: exit 2', async () => {
    const badHash = await runCli(['render-url', 'not-a-hash', '--org', 'acme', '--stack', 'thumb'], env);
    expect(badHash.code).toBe(2);
    expect(badHash.stderr).toContain('"not-a-hash" is not an image hash');
    const badOp = await runCli(['render-url', hashes['city.png']!, '--org', 'acme', '--operation', 'explode:x=1'], env);
    expect(badOp.code).toBe(2);
    expect(badOp.stderr).toContain('"explode" is not a render operation');
  });
});
