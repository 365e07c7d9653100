// Setting and removing dynamic metadata over HTTP (spec §2.4, §2.5, §4):
// PUT/DELETE …/meta/dynamic/{name} find, restore or make the image of the new
// hash, which inherits everything else of its source.

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount, indexRowsOf } from './catalog-rows.ts';
import { dynamicMetadataApi, type Image } from './dynamic-metadata-api.ts';
import {
  AREA_10_20,
  api,
  createOrg,
  expectError,
  SUBJECT_10_20,
  sha1,
  startServer,
  type TestServer,
  upload,
} from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const { newImage, putDyn, delDyn, getImage, nextSeed } = dynamicMetadataApi(() => server);

const plainHash = (bin: string) => sha1(`${bin}a:0:{}`);

describe('setting dynamic metadata', () => {
  it('answers 201 with the image of the new hash and a relative Location; the source stays', async () => {
    const source = await newImage();
    const before = await imageCount(server);
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20);
    expect(res.status).toBe(201);
    const expected = sha1(source.binary_hash + SUBJECT_10_20);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('location')).toBe(`/sourceimages/acme/${expected}`);
    expect(res.json.hash).toBe(expected);
    expect(res.json.binary_hash).toBe(source.binary_hash);
    expect(res.json.dynamic_metadata).toEqual({ subject_area: { width: 20, height: 20, x: 10, y: 10 } });
    expect(res.json.deleted).toBe(false);
    expect(await imageCount(server)).toBe(before + 1);
    const src = await getImage(source.hash);
    expect(src.status).toBe(200);
    expect(src.json.dynamic_metadata).toEqual({});
    expect((await getImage(expected)).json.dynamic_metadata).toEqual(res.json.dynamic_metadata);
  });

  it('the new image inherits user metadata, static metadata, name and created, and gets its own index rows', async () => {
    const bytes = await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 9, g: 8, b: 7 } } })
      .withExif({ IFD0: { Copyright: `origo dynamic ${nextSeed()}` } })
      .jpeg()
      .toBuffer();
    const res0 = await upload(server, 'acme', [{ name: 'holiday.jpg', bytes }], {
      'meta_user[0]': JSON.stringify({ title: 'Sea', 'array:tags': ['a', 'b'] }),
    });
    const source: Image = res0.json.items[0];
    expect(source.static_metadata.exif.Image.Copyright).toMatch(/^origo dynamic/);
    server.advanceClock(3 * 86_400_000);
    const res = await putDyn(source.hash, 'crop_area', { x: 0, y: 0, width: 100, height: 50 });
    expect(res.status).toBe(201);
    const derived: Image = res.json;
    expect(derived.hash).not.toBe(source.hash);
    expect(derived.name).toBe('holiday.jpg');
    expect(derived.created).toBe(source.created);
    expect(derived.user_metadata).toEqual({ title: 'Sea', 'array:tags': ['a', 'b'] });
    expect(derived.static_metadata).toEqual(source.static_metadata);
    expect(derived.format).toBe(source.format);
    expect(derived.size).toBe(source.size);
    expect(derived.width).toBe(200);
    expect(derived.short_hash).not.toBe(source.short_hash);

    const sourceRows = await indexRowsOf(server, 'acme', source.hash);
    expect(sourceRows).toHaveLength(3);
    expect(await indexRowsOf(server, 'acme', derived.hash)).toEqual(sourceRows);
    // A copy: changing the derived image leaves the source's rows alone.
    await api(server, 'PATCH', `/sourceimages/acme/${derived.hash}/meta/user`, {
      body: JSON.stringify({ title: null }),
    });
    expect((await indexRowsOf(server, 'acme', derived.hash)).map((r) => r.name)).toEqual(['tags', 'tags']);
    expect(await indexRowsOf(server, 'acme', source.hash)).toEqual(sourceRows);
    expect((await getImage(source.hash)).json.user_metadata).toEqual({ title: 'Sea', 'array:tags': ['a', 'b'] });
  });

  it('answers 204 with the Location of the current image when nothing changes', async () => {
    const source = await newImage();
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    const before = await imageCount(server);
    for (const body of [
      AREA_10_20,
      { height: 20, y: 10, width: 20, x: 10 },
      { ...AREA_10_20, percentage: false },
      { x: '10', y: 10, width: 20, height: 20 },
    ]) {
      const res = await putDyn(derived.hash, 'subject_area', body);
      expect(res.status, JSON.stringify(body)).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('location')).toBe(`/sourceimages/acme/${derived.hash}`);
    }
    // removing what is not there changes nothing either
    const none = await delDyn(source.hash, 'crop_area');
    expect(none.status).toBe(204);
    expect(none.headers.get('location')).toBe(`/sourceimages/acme/${source.hash}`);
    expect(await imageCount(server)).toBe(before);
  });

  it('stores percentage:true and hashes it differently from pixels', async () => {
    const source = await newImage();
    const px = await putDyn(source.hash, 'subject_area', AREA_10_20);
    const pct = await putDyn(source.hash, 'subject_area', { ...AREA_10_20, percentage: true });
    expect(pct.status).toBe(201);
    expect(pct.json.dynamic_metadata).toEqual({
      subject_area: { width: 20, height: 20, x: 10, y: 10, percentage: true },
    });
    expect(pct.json.hash).not.toBe(px.json.hash);
  });

  it('sets version and multi_areas, and removing the last field gives back the plain hash', async () => {
    const source = await newImage();
    expect(source.hash).toBe(plainHash(source.binary_hash));
    const v = await putDyn(source.hash, 'version', { text: 'v2' });
    expect(v.status).toBe(201);
    expect(v.json.hash).toBe(sha1(`${source.binary_hash}a:1:{s:7:"version";a:1:{s:4:"text";s:2:"v2";}}`));
    const m = await putDyn(v.json.hash, 'multi_areas', { hero: { crop_area: { x: 0, y: 0, width: 10, height: 10 } } });
    expect(m.status).toBe(201);
    expect(m.json.dynamic_metadata).toEqual({
      version: { text: 'v2' },
      multi_areas: { hero: { crop_area: { width: 10, height: 10, x: 0, y: 0 } } },
    });
    const noVersion = await delDyn(m.json.hash, 'version');
    expect(noVersion.status).toBe(201);
    expect(noVersion.json.dynamic_metadata).toEqual({
      multi_areas: { hero: { crop_area: { width: 10, height: 10, x: 0, y: 0 } } },
    });
    const plain = await delDyn(noVersion.json.hash, 'multi_areas');
    expect(plain.status).toBe(201);
    expect(plain.json.hash).toBe(plainHash(source.binary_hash));
    expect(plain.headers.get('location')).toBe(`/sourceimages/acme/${source.hash}`);
    expect(plain.json.dynamic_metadata).toEqual({});
  });

  it('a protected image keeps "protected" in its hash', async () => {
    const source = await newImage({ 'options[0]': JSON.stringify({ protected: true }) });
    expect(source.protected).toBe(true);
    expect(source.hash).toBe(sha1(`${source.binary_hash}a:1:{s:9:"protected";b:1;}`));
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20);
    expect(res.status).toBe(201);
    expect(res.json.protected).toBe(true);
    expect(res.json.hash).toBe(
      sha1(
        `${source.binary_hash}a:2:{s:9:"protected";b:1;s:12:"subject_area";a:4:{s:6:"height";i:20;s:5:"width";i:20;s:1:"x";i:10;s:1:"y";i:10;}}`,
      ),
    );
    const back = await delDyn(res.json.hash, 'subject_area');
    expect(back.status).toBe(201);
    expect(back.json.hash).toBe(source.hash);
  });

  it('uses a live image that already has the new hash as it is, copying nothing onto it', async () => {
    const source = await newImage({ 'meta_user[0]': JSON.stringify({ v: 'first' }) });
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    expect(derived.user_metadata).toEqual({ v: 'first' });
    await api(server, 'PATCH', `/sourceimages/acme/${source.hash}/meta/user`, {
      body: JSON.stringify({ v: 'second', extra: 'x' }),
    });
    const rowsBefore = await indexRowsOf(server, 'acme', derived.hash);
    const before = await imageCount(server);
    const again = await putDyn(source.hash, 'subject_area', AREA_10_20);
    expect(again.status).toBe(201);
    expect(again.json.hash).toBe(derived.hash);
    expect(again.headers.get('location')).toBe(`/sourceimages/acme/${derived.hash}`);
    expect(again.json.user_metadata).toEqual({ v: 'first' });
    expect(await indexRowsOf(server, 'acme', derived.hash)).toEqual(rowsBefore);
    expect(await imageCount(server)).toBe(before);

    // Going back from the derived image finds the source, also as it is.
    const back = await delDyn(derived.hash, 'subject_area');
    expect(back.status).toBe(201);
    expect(back.json.hash).toBe(source.hash);
    expect(back.json.user_metadata).toEqual({ v: 'second', extra: 'x' });
  });

  it('restores a deleted image that has the new hash and uses it as it was', async () => {
    const source = await newImage({ 'meta_user[0]': JSON.stringify({ v: 'first' }) });
    const derived = (await putDyn(source.hash, 'subject_area', AREA_10_20)).json as Image;
    expect((await api(server, 'DELETE', `/sourceimages/acme/${derived.hash}`)).status).toBe(204);
    expect((await getImage(derived.hash)).status).toBe(404);
    await api(server, 'PATCH', `/sourceimages/acme/${source.hash}/meta/user`, {
      body: JSON.stringify({ v: 'second' }),
    });
    const before = await imageCount(server);
    const res = await putDyn(source.hash, 'subject_area', AREA_10_20);
    expect(res.status).toBe(201);
    expect(res.json.hash).toBe(derived.hash);
    expect(res.json.deleted).toBe(false);
    expect(res.json.user_metadata).toEqual({ v: 'first' });
    expect((await getImage(derived.hash)).status).toBe(200);
    expect(await imageCount(server)).toBe(before);
  });

  it('answers 404 on an unknown image, making none', async () => {
    const missing = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
    const before = await imageCount(server);
    for (const res of [await putDyn(missing, 'subject_area', AREA_10_20), await delDyn(missing, 'subject_area')]) {
      expectError(res, 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
      expect(res.json.message).toBe(`Source image ${missing} not found in organization acme`);
    }
    expect(await imageCount(server)).toBe(before);
  });
});
