// importFromServer between two real origo servers, and from a small fake
// source whose download does not match its binary_hash.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, sha1, startServer, type TestServer, uniquePng } from '../../server/test/helpers.ts';
import { importFromServer, isMoveSetupError, type MoveEvent } from '../src/move/index.ts';
import { endpointFor, expectSameImages, imagesOf, seedSource } from './move-fixtures.ts';

let from: TestServer;
let to: TestServer;

beforeAll(async () => {
  [from, to] = await Promise.all([startServer(), startServer()]);
  await seedSource(from, 'src', 3);
});
afterAll(async () => {
  await Promise.all([from?.close(), to?.close()]);
});

describe('importFromServer from another origo', () => {
  it('copies every image with identical hashes and fields, then a re-run copies nothing', async () => {
    await createOrg(to, 'dst');
    const events: MoveEvent[] = [];
    const run = () =>
      importFromServer({
        source: endpointFor(from.url),
        sourceOrg: 'src',
        target: endpointFor(to.url),
        targetOrg: 'dst',
        concurrency: 3,
        onProgress: (e) => events.push(e),
      });
    const first = await run();
    expect(first.failed).toEqual([]);
    expect(first).toMatchObject({ copied: 8, skipped: 0 });
    expect(events[0]).toEqual({ type: 'total', total: 8 });
    expect(events.filter((e) => e.type === 'item' && e.outcome === 'copied')).toHaveLength(8);
    await expectSameImages(from, 'src', to, 'dst');
    const locked = [...(await imagesOf(to, 'dst')).values()].filter((i) => i['locked'] === true);
    expect(locked.map((i) => i['name']).sort()).toEqual(['kept.png', 'vault.png']);

    const second = await run();
    expect(second).toMatchObject({ copied: 0, skipped: 8, failed: [], bytes: 0 });
    expect((await imagesOf(to, 'dst')).size).toBe(8);
  });

  it('copies through temporary files the originals above the in-memory size, as exactly', async () => {
    await createOrg(to, 'spooled');
    const summary = await importFromServer({
      source: endpointFor(from.url),
      sourceOrg: 'src',
      target: endpointFor(to.url),
      targetOrg: 'spooled',
      inMemoryBytes: 0,
    });
    expect(summary).toMatchObject({ copied: 8, skipped: 0, failed: [] });
    await expectSameImages(from, 'src', to, 'spooled');
  });

  it('copies only the images a search query matches', async () => {
    await createOrg(to, 'holidays');
    const summary = await importFromServer({
      source: endpointFor(from.url),
      sourceOrg: 'src',
      target: endpointFor(to.url),
      targetOrg: 'holidays',
      query: { 'user:category': 'holiday' },
    });
    expect(summary).toMatchObject({ copied: 2, skipped: 0, failed: [] });
    const names = [...(await imagesOf(to, 'holidays')).values()].map((i) => i['name']).sort();
    expect(names).toEqual(['beach day.png', 'kept.png']);
  });

  it('fails as a whole, naming the organization, when the target organization does not exist', async () => {
    const err = await importFromServer({
      source: endpointFor(from.url),
      sourceOrg: 'src',
      target: endpointFor(to.url),
      targetOrg: 'nowhere',
    }).catch((e: unknown) => e);
    expect(isMoveSetupError(err)).toBe(true);
    expect(String(err)).toContain('nowhere');
  });
});

describe('importFromServer from a source with a damaged download and a foreign hash', () => {
  let fake: http.Server;
  let fakeUrl: string;
  const good: { name: string; bytes: Buffer } = { name: 'good.png', bytes: Buffer.alloc(0) };
  const bad: { name: string; bytes: Buffer } = { name: 'bad.png', bytes: Buffer.alloc(0) };
  const foreign: { name: string; bytes: Buffer } = { name: 'foreign.png', bytes: Buffer.alloc(0) };
  // What rokka.io might call an image with a subject area: its algorithm for those is not origo's.
  const FOREIGN_HASH = sha1('a hash from another algorithm');

  beforeAll(async () => {
    good.bytes = await uniquePng(200);
    bad.bytes = await uniquePng(201);
    foreign.bytes = await uniquePng(202);
    // The hashes an origo gives plain images: sha1(binary_hash + "a:0:{}"), written out independently.
    const image = (name: string, bytes: Buffer) => {
      const binary = sha1(bytes);
      return {
        hash: sha1(`${binary}a:0:{}`),
        binary_hash: binary,
        organization: 'far',
        name,
        format: 'png',
        size: bytes.length,
      };
    };
    const images = [
      image(good.name, good.bytes),
      image(bad.name, bad.bytes),
      {
        ...image(foreign.name, foreign.bytes),
        hash: FOREIGN_HASH,
        dynamic_metadata: { subject_area: { x: 1, y: 2, width: 3, height: 4 } },
      },
    ];
    const damaged = Buffer.from(bad.bytes);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 20) ^ 0xff, damaged.length - 20);
    fake = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname === '/sourceimages/far') {
        const page = url.searchParams.get('offset') === null ? images : [];
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ total: 3, items: page, cursor: 'next' }));
        return;
      }
      const download = /^\/sourceimages\/far\/([0-9a-f]{40})\/download$/.exec(url.pathname);
      if (download) {
        const served = { [images[0]!.hash]: good.bytes, [images[1]!.hash]: damaged, [FOREIGN_HASH]: foreign.bytes };
        res.end(served[download[1]!]);
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => fake.close(() => resolve())));

  it('reports the damaged image and the hash mismatch with their reasons, and copies the rest', async () => {
    await createOrg(to, 'mixed');
    const summary = await importFromServer({
      source: endpointFor(fakeUrl),
      sourceOrg: 'far',
      target: endpointFor(to.url),
      targetOrg: 'mixed',
    });
    expect(summary.copied).toBe(1);
    const failed = new Map(summary.failed.map((f) => [f.name, f]));
    expect(summary.failed).toHaveLength(2);
    expect(failed.get('bad.png')).toMatchObject({ hash: sha1(`${sha1(bad.bytes)}a:0:{}`) });
    expect(failed.get('bad.png')!.reason).toContain(`binary_hash ${sha1(bad.bytes)}`);
    expect(failed.get('foreign.png')).toMatchObject({ hash: FOREIGN_HASH });
    expect(failed.get('foreign.png')!.reason).toContain(`not ${FOREIGN_HASH}`);
    // The damaged bytes were never uploaded; the foreign image is there, under origo's own hash.
    const stored = await api(to, 'GET', '/sourceimages/mixed');
    expect(stored.json.items.map((i: { name: string }) => i.name).sort()).toEqual(['foreign.png', 'good.png']);
    expect(stored.json.items.map((i: { hash: string }) => i.hash)).not.toContain(FOREIGN_HASH);
  });
});
