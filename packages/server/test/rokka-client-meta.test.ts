// The official rokka npm client, pointed at origo, drives user and dynamic
// metadata through its own calls; results are checked against the server.

import { Rokka } from 'rokka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, ROOT_KEY, sha1, startServer, type TestServer, uniquePng } from './helpers.ts';

let server: TestServer;
let client: Rokka;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  client = new Rokka({ apiKey: ROOT_KEY, apiHost: server.url, transport: { retries: 0 } });
});
afterAll(() => server.close());

let seed = 42_000;
async function create(
  metaUser?: Record<string, string | number | boolean | string[]>,
): Promise<{ hash: string; binary_hash: string; bytes: Buffer }> {
  const bytes = await uniquePng(seed++, 200, 100, 30);
  const res = await client.sourceimages.create(
    'acme',
    'client.png',
    bytes,
    metaUser ? { meta_user: metaUser } : undefined,
  );
  expect(res.statusCode).toBe(200);
  return { ...res.body.items[0], bytes };
}

const serverMeta = async (hash: string) => (await api(server, 'GET', `/sourceimages/acme/${hash}/meta/user`)).json;
const serverImage = async (hash: string, deleted = false) =>
  api(server, 'GET', `/sourceimages/acme/${hash}${deleted ? '?deleted=true' : ''}`);

describe('user metadata through sourceimages.meta', () => {
  it('create with meta_user, then get', async () => {
    const image = await create({ title: 'From client', 'int:rank': 2 });
    const got = await client.sourceimages.meta.get('acme', image.hash);
    expect(got.statusCode).toBe(200);
    expect(got.body).toEqual({ title: 'From client', 'int:rank': 2 });
  });

  it('add merges (null deletes), replace replaces, delete clears', async () => {
    const image = await create({ keep: 'k', drop: 'd' });
    const added = await client.sourceimages.meta.add('acme', image.hash, {
      somefield: 'somevalue',
      'int:some_number': 0,
      drop: null,
    });
    expect(added.statusCode).toBe(204);
    expect(await serverMeta(image.hash)).toEqual({ keep: 'k', somefield: 'somevalue', 'int:some_number': 0 });

    const replaced = await client.sourceimages.meta.replace('acme', image.hash, {
      only: 'this',
      'date:when': '2024-05-31T12:00:00Z',
    });
    expect(replaced.statusCode).toBe(204);
    expect(await serverMeta(image.hash)).toEqual({ only: 'this', 'date:when': '2024-05-31T12:00:00Z' });
    expect((await client.sourceimages.meta.get('acme', image.hash)).body).toEqual({
      only: 'this',
      'date:when': '2024-05-31T12:00:00Z',
    });

    const cleared = await client.sourceimages.meta.delete('acme', image.hash);
    expect(cleared.statusCode).toBe(204);
    expect(await serverMeta(image.hash)).toEqual({});
  });

  it('set writes one field: a raw string, a number, a typed field, an array', async () => {
    const image = await create();
    // rokka.js sends a string value as the raw, unquoted body
    expect(
      (await client.sourceimages.meta.set('acme', image.hash, 'somefield', 'some value with spaces')).statusCode,
    ).toBe(204);
    expect((await client.sourceimages.meta.set('acme', image.hash, 'quoted', '"already quoted"')).statusCode).toBe(204);
    expect((await client.sourceimages.meta.set('acme', image.hash, 'int:count', 12)).statusCode).toBe(204);
    expect(
      (await client.sourceimages.meta.set('acme', image.hash, 'date:when', '2024-05-31T14:00:00+02:00')).statusCode,
    ).toBe(204);
    expect((await client.sourceimages.meta.set('acme', image.hash, 'array:tags', ['a', 'b'])).statusCode).toBe(204);
    expect((await client.sourceimages.meta.set('acme', image.hash, 'latlon:where', '47.38,8.52')).statusCode).toBe(204);
    expect(await serverMeta(image.hash)).toEqual({
      somefield: 'some value with spaces',
      quoted: 'already quoted',
      'int:count': 12,
      'date:when': '2024-05-31T12:00:00Z',
      'array:tags': ['a', 'b'],
      'latlon:where': '47.38,8.52',
    });
  });

  it('delete with a field removes just that field', async () => {
    const image = await create({ a: '1', b: '2', 'int:c': 3 });
    expect((await client.sourceimages.meta.delete('acme', image.hash, 'a')).statusCode).toBe(204);
    expect((await client.sourceimages.meta.delete('acme', image.hash, 'int:c')).statusCode).toBe(204);
    expect((await client.sourceimages.meta.delete('acme', image.hash, 'never')).statusCode).toBe(204);
    expect(await serverMeta(image.hash)).toEqual({ b: '2' });
  });

  it('sees 400 for a bad field and 404 for an unknown image, with nothing changed', async () => {
    const image = await create({ a: '1' });
    await expect(client.sourceimages.meta.add('acme', image.hash, { 'Bad-Name': 'x' })).rejects.toMatchObject({
      statusCode: 400,
      body: { error: { message: expect.stringContaining('Bad-Name') } },
    });
    await expect(client.sourceimages.meta.set('acme', image.hash, 'int:n', 'abc')).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      client.sourceimages.meta.get('acme', 'ffffffffffffffffffffffffffffffffffffffff'),
    ).rejects.toMatchObject({ statusCode: 404 });
    expect(await serverMeta(image.hash)).toEqual({ a: '1' });
  });

  it('sees 403 on a locked image', async () => {
    const image = await create({ a: '1' });
    await client.sourceimages.setLocked('acme', image.hash, true);
    await expect(client.sourceimages.meta.add('acme', image.hash, { b: '2' })).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(client.sourceimages.meta.set('acme', image.hash, 'b', '2')).rejects.toMatchObject({ statusCode: 403 });
    await expect(client.sourceimages.meta.delete('acme', image.hash)).rejects.toMatchObject({ statusCode: 403 });
    expect(await serverMeta(image.hash)).toEqual({ a: '1' });
  });
});

describe('dynamic metadata through sourceimages', () => {
  const AREA = { x: 10, y: 10, width: 20, height: 20 };
  const SUBJECT = 'a:1:{s:12:"subject_area";a:4:{s:6:"height";i:20;s:5:"width";i:20;s:1:"x";i:10;s:1:"y";i:10;}}';

  it('setSubjectArea makes the image of the new hash; removeSubjectArea goes back', async () => {
    const image = await create({ title: 'kept' });
    const set = await client.sourceimages.setSubjectArea('acme', image.hash, AREA);
    expect(set.statusCode).toBe(201);
    const newHash = sha1(image.binary_hash + SUBJECT);
    expect(set.body.hash).toBe(newHash);
    expect(set.body.dynamic_metadata).toEqual({ subject_area: { width: 20, height: 20, x: 10, y: 10 } });
    expect(set.body.user_metadata).toEqual({ title: 'kept' });
    expect(set.response.headers.get('location')).toBe(`/sourceimages/acme/${newHash}`);
    expect((await serverImage(image.hash)).status).toBe(200);
    expect((await serverImage(newHash)).json.dynamic_metadata).toEqual(set.body.dynamic_metadata);

    const again = await client.sourceimages.setSubjectArea('acme', newHash, AREA);
    expect(again.statusCode).toBe(204);

    const removed = await client.sourceimages.removeSubjectArea('acme', newHash);
    expect(removed.statusCode).toBe(201);
    expect(removed.body.hash).toBe(image.hash);
    expect((await serverImage(newHash)).status).toBe(200);
  });

  it('setSubjectArea with deletePrevious deletes the source', async () => {
    const image = await create();
    const set = await client.sourceimages.setSubjectArea('acme', image.hash, AREA, { deletePrevious: true });
    expect(set.statusCode).toBe(201);
    expect((await serverImage(image.hash)).status).toBe(404);
    expect((await serverImage(image.hash, true)).json.deleted).toBe(true);

    const removed = await client.sourceimages.removeSubjectArea('acme', set.body.hash, { deletePrevious: true });
    expect(removed.statusCode).toBe(201);
    // the plain image was deleted: it is restored and used
    expect(removed.body).toMatchObject({ hash: image.hash, deleted: false });
    expect((await serverImage(set.body.hash)).status).toBe(404);
  });

  it('addDynamicMetaData sets crop_area, version and multi_areas; deletePrevious as asked', async () => {
    const image = await create();
    const crop = await client.sourceimages.addDynamicMetaData('acme', image.hash, 'crop_area', {
      x: 0,
      y: 0,
      width: 100,
      height: 50,
    });
    expect(crop.statusCode).toBe(201);
    expect(crop.body.dynamic_metadata).toEqual({ crop_area: { width: 100, height: 50, x: 0, y: 0 } });
    expect((await serverImage(image.hash)).status).toBe(200);

    const version = await client.sourceimages.addDynamicMetaData(
      'acme',
      crop.body.hash,
      'version',
      { text: 'v2' },
      { deletePrevious: true },
    );
    expect(version.statusCode).toBe(201);
    expect(version.body.dynamic_metadata).toEqual({
      crop_area: { width: 100, height: 50, x: 0, y: 0 },
      version: { text: 'v2' },
    });
    expect((await serverImage(crop.body.hash)).status).toBe(404);

    const multi = await client.sourceimages.addDynamicMetaData('acme', version.body.hash, 'multi_areas', {
      hero: { subject_area: { x: 1, y: 2, width: 3, height: 4 } },
    });
    expect(multi.statusCode).toBe(201);
    expect(multi.body.dynamic_metadata.multi_areas).toEqual({
      hero: { subject_area: { width: 3, height: 4, x: 1, y: 2 } },
    });
  });

  it('deleteDynamicMetaData removes a field; deletePrevious (sent in the body) deletes the source', async () => {
    const image = await create();
    const crop = await client.sourceimages.addDynamicMetaData('acme', image.hash, 'crop_area', {
      x: 0,
      y: 0,
      width: 10,
      height: 10,
    });
    const version = await client.sourceimages.addDynamicMetaData('acme', crop.body.hash, 'version', { text: 'v3' });

    const keptSource = await client.sourceimages.deleteDynamicMetaData('acme', version.body.hash, 'version');
    expect(keptSource.statusCode).toBe(201);
    expect(keptSource.body.hash).toBe(crop.body.hash);
    expect((await serverImage(version.body.hash)).status).toBe(200);

    const before = await imageCount(server);
    const deleted = await client.sourceimages.deleteDynamicMetaData('acme', crop.body.hash, 'crop_area', {
      deletePrevious: true,
    });
    expect(deleted.statusCode).toBe(201);
    expect(deleted.body.hash).toBe(image.hash);
    expect(deleted.body.hash).toBe(sha1(`${image.binary_hash}a:0:{}`));
    expect((await serverImage(crop.body.hash)).status).toBe(404);
    expect((await serverImage(crop.body.hash, true)).json.deleted).toBe(true);
    expect(await imageCount(server)).toBe(before);
  });

  it('sees 400 for an area outside the image and 403 for detection_face, with nothing changed', async () => {
    const image = await create();
    const before = await imageCount(server);
    await expect(
      client.sourceimages.setSubjectArea('acme', image.hash, { x: 190, y: 0, width: 20, height: 10 }),
    ).rejects.toMatchObject({
      statusCode: 400,
      body: { message: expect.stringContaining('subject_area') },
    });
    await expect(
      client.sourceimages.addDynamicMetaData('acme', image.hash, 'detection_face', {}),
    ).rejects.toMatchObject({ statusCode: 403 });
    expect(await imageCount(server)).toBe(before);
    expect((await serverImage(image.hash)).json.dynamic_metadata).toEqual({});
  });

  it('a locked image refuses deletePrevious, creating nothing', async () => {
    const image = await create();
    await client.sourceimages.setLocked('acme', image.hash, true);
    const before = await imageCount(server);
    await expect(
      client.sourceimages.setSubjectArea('acme', image.hash, AREA, { deletePrevious: true }),
    ).rejects.toMatchObject({ statusCode: 403 });
    expect(await imageCount(server)).toBe(before);
    expect((await serverImage(image.hash)).json).toMatchObject({ deleted: false, dynamic_metadata: {} });
  });
});
