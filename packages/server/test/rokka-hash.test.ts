// Image hashes are rokka's: sha1(binary_hash + "a:0:{}") for a plain upload,
// checked against pairs taken from the live rokka service. Short hashes grow
// past six characters when two images of an organization share a prefix.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageHash } from '../src/images/hash.ts';
import type { NewImage } from '../src/storage/catalog/catalog.ts';
import { newImageRecord } from './fixtures.ts';
import { api, createOrg, png, startServer, type TestServer, upload } from './helpers.ts';

const LIVE_PAIRS: [binaryHash: string, hash: string][] = [
  ['1ba368b9f226821b611b16759d004487e7b6d577', '9623ac25ef40ee517e82785cbbc841a2e7f8f720'],
  ['63a65da81cae86964e3369b4431b80252f9404b0', 'fe5d9a097df0e93cf9570cbdb0386b137b4c9ed2'],
  ['498fed612f01199cd6702f5effe5fa7bb67e44f4', '063c3dce6a528d8944a63185bd4c7b161454ee4f'],
  ['1215617542b2926a80396eecf97980359f772aad', 'b32fcb212a2a13220c5ad7f8c71bd6ef5dfd0027'],
  ['b1c5e43ddb26379491722e928f5bb50d6cd121eb', '07c68ab9e6718b8f23f5e797b3517f22def4219c'],
];

describe('imageHash against live rokka', () => {
  it.each(LIVE_PAIRS)('binary hash %s gives hash %s', (binaryHash, hash) => {
    expect(imageHash(binaryHash)).toBe(hash);
    expect(imageHash(binaryHash, {}, false)).toBe(hash);
  });

  it('gives a different hash once the image is protected or has dynamic metadata', () => {
    const [binaryHash, hash] = LIVE_PAIRS[0]!;
    expect(imageHash(binaryHash, {}, true)).not.toBe(hash);
    expect(imageHash(binaryHash, { version: 'v2' })).not.toBe(hash);
  });
});

describe('hashes and short hashes of stored images', () => {
  let server: TestServer;
  let orgId: number;
  beforeAll(async () => {
    server = await startServer();
    await createOrg(server, 'acme');
    await createOrg(server, 'other');
    orgId = (await server.storage.catalog.findOrganization('acme'))!.id;
  });
  afterAll(() => server.close());

  function crafted(hash: string, name: string): NewImage {
    const binaryHash = hash.split('').reverse().join('');
    return newImageRecord(hash, {
      binaryHash,
      blobKey: `${binaryHash}-${'0'.repeat(64)}`,
      name,
      format: 'png',
      mimetype: 'image/png',
    });
  }

  async function seed(org: number, image: NewImage) {
    const [saved] = await server.storage.catalog.saveUploadedImages(org, [image], server.deps.now(), (existing) => ({
      metadata: existing,
      rows: [],
    }));
    return saved!.image;
  }

  it('an uploaded image has the rokka hash of its bytes', async () => {
    const res = await upload(server, 'acme', [{ name: 'p.png', bytes: await png(77) }]);
    expect(res.status, res.text).toBe(200);
    const item = res.json.items[0];
    expect(item.hash).toBe(imageHash(item.binary_hash));
    expect(item.short_hash).toBe(item.hash.slice(0, 6));
  });

  it('grows the short hash past six characters for a shared prefix; each short hash finds its own image', async () => {
    const first = await seed(orgId, crafted(`abcdef0${'1'.repeat(33)}`, 'first.png'));
    const second = await seed(orgId, crafted(`abcdef1${'2'.repeat(33)}`, 'second.png'));
    const third = await seed(orgId, crafted(`abcdef13${'3'.repeat(32)}`, 'third.png'));
    expect(first.shortHash).toBe('abcdef');
    expect(second.shortHash).toBe('abcdef1');
    expect(third.shortHash).toBe('abcdef13');

    const byShared = await api(server, 'GET', '/sourceimages/acme/abcdef');
    expect(byShared.status).toBe(200);
    expect(byShared.json).toMatchObject({ hash: first.hash, short_hash: 'abcdef', name: 'first.png' });
    const bySeven = await api(server, 'GET', '/sourceimages/acme/abcdef1');
    expect(bySeven.status).toBe(200);
    expect(bySeven.json).toMatchObject({ hash: second.hash, short_hash: 'abcdef1', name: 'second.png' });
    const byEight = await api(server, 'GET', '/sourceimages/acme/ABCDEF13');
    expect(byEight.status).toBe(200);
    expect(byEight.json).toMatchObject({ hash: third.hash, short_hash: 'abcdef13' });
    expect((await api(server, 'GET', `/sourceimages/acme/${second.hash}`)).json.short_hash).toBe('abcdef1');

    // A prefix that is nobody's short hash finds nothing.
    expect((await api(server, 'GET', '/sourceimages/acme/abcdef0')).status).toBe(404);
    expect((await api(server, 'GET', '/sourceimages/acme/abcde')).status).toBe(404);

    // Short hashes never change once given.
    const list = await api(server, 'GET', '/sourceimages/acme');
    const shorts = Object.fromEntries(
      list.json.items.map((i: { hash: string; short_hash: string }) => [i.hash, i.short_hash]),
    );
    expect(shorts[first.hash]).toBe('abcdef');
    expect(shorts[second.hash]).toBe('abcdef1');
    expect(shorts[third.hash]).toBe('abcdef13');
  });

  it('counts prefixes per organization: another organization gets the six-character short hash', async () => {
    const otherId = (await server.storage.catalog.findOrganization('other'))!.id;
    const img = await seed(otherId, crafted(`abcdef1${'2'.repeat(33)}`, 'elsewhere.png'));
    expect(img.shortHash).toBe('abcdef');
    const res = await api(server, 'GET', '/sourceimages/other/abcdef');
    expect(res.json).toMatchObject({ organization: 'other', name: 'elsewhere.png', short_hash: 'abcdef' });
  });
});
