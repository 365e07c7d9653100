// The deletePrevious and keepHash flags of dynamic metadata (spec §2.4, §2.5):
// from the query or a JSON body, refused together or on a locked image, and
// what happens to the source and the hash with each.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { dynamicMetadataApi, type Image } from './dynamic-metadata-api.ts';
import { AREA_10_20, api, createOrg, SUBJECT_10_20, sha1, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const { newImage, putDyn, delDyn, getImage } = dynamicMetadataApi(() => server);

async function lock(hash: string, locked: boolean) {
  const res = await api(server, 'PUT', `/sourceimages/acme/${hash}/options/locked`, { body: JSON.stringify(locked) });
  expect(res.status).toBe(200);
}

describe('deletePrevious and keepHash', () => {
  it('deletePrevious=true soft-deletes the source when the hash changed', async () => {
    const source = await newImage();
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20, '?deletePrevious=true');
    expect(res.status).toBe(201);
    expect(res.json.hash).not.toBe(source.hash);
    expect((await getImage(source.hash)).status).toBe(404);
    const deleted = await getImage(source.hash, true);
    expect(deleted.json.deleted).toBe(true);
    expect((await getImage(res.json.hash)).status).toBe(200);
  });

  it('deletePrevious=true with nothing changed keeps the image', async () => {
    const source = await newImage();
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    const res = await putDyn(derived.hash, 'subject_area', AREA_10_20, '?deletePrevious=true');
    expect(res.status).toBe(204);
    expect((await getImage(derived.hash)).status).toBe(200);
    const del = await delDyn(source.hash, 'version', '?deletePrevious=true');
    expect(del.status).toBe(204);
    expect((await getImage(source.hash)).status).toBe(200);
  });

  it('DELETE takes the flags from a JSON body when the query has none (rokka.js sends them so)', async () => {
    const source = await newImage();
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    const res = await delDyn(derived.hash, 'subject_area', '', { body: JSON.stringify({ deletePrevious: 'true' }) });
    expect(res.status).toBe(201);
    expect(res.json.hash).toBe(source.hash);
    expect((await getImage(derived.hash)).status).toBe(404);

    const derived2 = (await putDyn(source.hash, 'subject_area', { x: 1, y: 1 })).json as Image;
    const res2 = await delDyn(derived2.hash, 'subject_area', '', {
      body: JSON.stringify({ deletePrevious: true }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res2.status).toBe(201);
    expect((await getImage(derived2.hash)).status).toBe(404);

    // "false" in the body, and the query over the body
    const derived3 = (await putDyn(source.hash, 'subject_area', { x: 2, y: 2 })).json as Image;
    expect(
      (await delDyn(derived3.hash, 'subject_area', '', { body: JSON.stringify({ deletePrevious: 'false' }) })).status,
    ).toBe(201);
    expect((await getImage(derived3.hash)).status).toBe(200);
    expect(
      (
        await delDyn(derived3.hash, 'subject_area', '?deletePrevious=false', {
          body: JSON.stringify({ deletePrevious: 'true' }),
        })
      ).status,
    ).toBe(201);
    expect((await getImage(derived3.hash)).status).toBe(200);

    // keepHash in the body
    const derived4 = (await putDyn(source.hash, 'subject_area', { x: 3, y: 3 })).json as Image;
    const kept = await delDyn(derived4.hash, 'subject_area', '', { body: JSON.stringify({ keepHash: 'true' }) });
    expect(kept.status).toBe(201);
    expect(kept.json.hash).toBe(derived4.hash);
    expect(kept.json.dynamic_metadata).toEqual({});
  });

  it('an empty body labelled application/json is no body: no flags', async () => {
    const source = await newImage();
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    const res = await delDyn(derived.hash, 'subject_area', '', {
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(res.json.hash).toBe(source.hash);
    expect((await getImage(derived.hash)).status).toBe(200);
  });

  it('keepHash=true changes the image in place: 201, same hash, a 299 Warning', async () => {
    const source = await newImage();
    const before = await imageCount(server);
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20, '?keepHash=true');
    expect(res.status).toBe(201);
    expect(res.json.hash).toBe(source.hash);
    expect(res.headers.get('location')).toBe(`/sourceimages/acme/${source.hash}`);
    expect(res.headers.get('warning')).toMatch(/^299 /);
    expect(res.json.dynamic_metadata).toEqual({ subject_area: { width: 20, height: 20, x: 10, y: 10 } });
    expect((await getImage(source.hash)).json.dynamic_metadata).toEqual({
      subject_area: { width: 20, height: 20, x: 10, y: 10 },
    });
    expect(await imageCount(server)).toBe(before);
    expect((await getImage(sha1(source.binary_hash + SUBJECT_10_20))).status).toBe(404);

    const removed = await delDyn(source.hash, 'subject_area', '?keepHash=true');
    expect(removed.status).toBe(201);
    expect(removed.json.hash).toBe(source.hash);
    expect(removed.headers.get('warning')).toMatch(/^299 /);
    expect(removed.json.dynamic_metadata).toEqual({});
  });

  it('refuses deletePrevious together with keepHash with 400, changing nothing', async () => {
    const source = await newImage();
    const before = await imageCount(server);
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20, '?deletePrevious=true&keepHash=true');
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/deletePrevious/);
    expect(res.json.message).toMatch(/keepHash/);
    const image = await getImage(source.hash);
    expect(image.status).toBe(200);
    expect(image.json.dynamic_metadata).toEqual({});
    expect(await imageCount(server)).toBe(before);
  });

  it('refuses a flag that is not a boolean', async () => {
    const source = await newImage();
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20, '?deletePrevious=maybe');
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('deletePrevious');
    expect((await getImage(source.hash)).status).toBe(200);
  });

  it('a locked source refuses deletePrevious (403, no new image) and keepHash (403)', async () => {
    const source = await newImage();
    await lock(source.hash, true);
    const before = await imageCount(server);
    const target = sha1(source.binary_hash + SUBJECT_10_20);

    const del = await putDyn(source.hash, 'subject_area', AREA_10_20, '?deletePrevious=true');
    expect(del.status).toBe(403);
    expect(del.json.message).toMatch(/locked/);
    expect(await imageCount(server)).toBe(before);
    expect((await getImage(target, true)).status).toBe(404);
    expect((await getImage(source.hash)).json).toMatchObject({ deleted: false, locked: true, dynamic_metadata: {} });

    const viaBody = await delDyn(source.hash, 'version', '', { body: JSON.stringify({ deletePrevious: 'true' }) });
    expect(viaBody.status).toBe(204); // nothing to remove: unchanged before any deleting

    const keep = await putDyn(source.hash, 'subject_area', AREA_10_20, '?keepHash=true');
    expect(keep.status).toBe(403);
    expect(keep.json.message).toMatch(/locked/);
    expect((await getImage(source.hash)).json.dynamic_metadata).toEqual({});
    expect(await imageCount(server)).toBe(before);
  });

  it('a locked derived image refuses DELETE with deletePrevious in the body', async () => {
    const source = await newImage();
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    await lock(derived.hash, true);
    const res = await delDyn(derived.hash, 'subject_area', '', { body: JSON.stringify({ deletePrevious: 'true' }) });
    expect(res.status).toBe(403);
    expect((await getImage(derived.hash)).json).toMatchObject({
      deleted: false,
      dynamic_metadata: { subject_area: { x: 10 } },
    });
  });
});
