// Identical bytes uploaded at the same time make one image and one blob.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, jpeg, png, sha1, startServer, type TestServer, upload } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  await createOrg(server, 'other');
});
afterAll(() => server.close());

describe('concurrent uploads', () => {
  it('twenty concurrent uploads of the same bytes make exactly one image and one blob', async () => {
    const bytes = await jpeg(42, 120, 90);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => upload(server, 'acme', [{ name: `same-${i}.jpg`, bytes }])),
    );
    for (const res of results) {
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.json.total).toBe(1);
    }
    const hashes = new Set(results.map((r) => r.json.items[0].hash));
    expect(hashes.size).toBe(1);
    const [hash] = hashes;
    expect(hash).toBe(sha1(Buffer.from(sha1(bytes) + 'a:0:{}')));
    // Every answer describes the one stored image: its name is the first one stored.
    const names = new Set(results.map((r) => r.json.items[0].name));
    expect(names.size).toBe(1);
    expect(new Set(results.map((r) => r.json.items[0].created)).size).toBe(1);
    expect(new Set(results.map((r) => r.json.items[0].short_hash))).toEqual(new Set([hash!.slice(0, 6)]));

    expect(await imageCount(server, 'acme')).toBe(1);
    const files = await blobFiles(server);
    expect(files.temp).toEqual([]);
    expect(files.blobs).toEqual([expect.stringMatching(new RegExp(`^${sha1(bytes)}-[0-9a-f]{64}$`))]);

    const list = await api(server, 'GET', '/sourceimages/acme');
    expect(list.json.total).toBe(1);
    const download = await fetch(`${server.url}/sourceimages/acme/${hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('the same bytes in another organization are another image sharing the one blob', async () => {
    const bytes = await jpeg(42, 120, 90);
    const results = await Promise.all([
      upload(server, 'other', [{ name: 'a.jpg', bytes }]),
      upload(server, 'other', [{ name: 'b.jpg', bytes }]),
    ]);
    for (const res of results) expect(res.status, res.text).toBe(200);
    expect(results[0]!.json.items[0].hash).toBe(results[1]!.json.items[0].hash);
    expect(results[0]!.json.items[0].organization).toBe('other');
    expect(await imageCount(server, 'other')).toBe(1);
    expect(await imageCount(server, 'acme')).toBe(1);
    expect((await blobFiles(server)).blobs).toHaveLength(1);
  });

  it('three files in one request, two of them identical, give three items and two images', async () => {
    const a = await png(101, 20, 20);
    const b = await png(102, 20, 20);
    const before = (await blobFiles(server)).blobs.length;
    const res = await upload(server, 'acme', [
      { name: 'a-first.png', bytes: a },
      { name: 'b.png', bytes: b },
      { name: 'a-again.png', bytes: a },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.total).toBe(3);
    expect(res.json.items).toHaveLength(3);
    const [i0, i1, i2] = res.json.items;
    expect(i0.binary_hash).toBe(sha1(a));
    expect(i1.binary_hash).toBe(sha1(b));
    expect(i2.binary_hash).toBe(sha1(a));
    expect(i0.hash).toBe(i2.hash);
    expect(i1.hash).not.toBe(i0.hash);
    // The duplicate is the image the first file made.
    expect(i2.name).toBe('a-first.png');
    expect(i1.name).toBe('b.png');

    expect(await imageCount(server, 'acme')).toBe(3); // the earlier jpeg, a and b
    const files = await blobFiles(server);
    expect(files.temp).toEqual([]);
    expect(files.blobs).toHaveLength(before + 2);
  });
});
