// Dynamic metadata over HTTP (spec §2.4, §2.5, §4): PUT/DELETE
// …/meta/dynamic/{name} find, restore or make the image of the new hash.

import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount, indexRowsOf } from './catalog-rows.ts';
import {
  AREA_10_20,
  api,
  createOrg,
  expectError,
  SUBJECT_10_20,
  sha1,
  startServer,
  type TestServer,
  uniquePng,
  upload,
} from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const plainHash = (bin: string) => sha1(`${bin}a:0:{}`);

interface Image {
  hash: string;
  binary_hash: string;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field.
  [key: string]: any;
}

let seed = 5000;
async function newImage(fields: Record<string, string> = {}, bytes?: Buffer): Promise<Image> {
  const res = await upload(server, 'acme', [{ name: 'pic.png', bytes: bytes ?? (await uniquePng(seed++)) }], fields);
  expect(res.status).toBe(200);
  return res.json.items[0];
}

const dyn = (hash: string, name: string, query = '') => `/sourceimages/acme/${hash}/meta/dynamic/${name}${query}`;
const putDyn = (hash: string, name: string, body: unknown, query = '') =>
  api(server, 'PUT', dyn(hash, name, query), { body: typeof body === 'string' ? body : JSON.stringify(body) });
const delDyn = (hash: string, name: string, query = '', init: RequestInit = {}) =>
  api(server, 'DELETE', dyn(hash, name, query), init);

async function getImage(hash: string, deleted = false) {
  return api(server, 'GET', `/sourceimages/acme/${hash}${deleted ? '?deleted=true' : ''}`);
}

async function lock(hash: string, locked: boolean) {
  const res = await api(server, 'PUT', `/sourceimages/acme/${hash}/options/locked`, { body: JSON.stringify(locked) });
  expect(res.status).toBe(200);
}

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
      .withExif({ IFD0: { Copyright: `origo dynamic ${seed++}` } })
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

describe('refusals change nothing', () => {
  let source: Image;
  let count: number;
  beforeAll(async () => {
    source = await newImage();
    count = await imageCount(server);
  });

  async function expectUnchanged() {
    const image = await getImage(source.hash);
    expect(image.status).toBe(200);
    expect(image.json.dynamic_metadata).toEqual({});
    expect(await imageCount(server)).toBe(count);
  }

  it.each([
    ['subject_area', { y: 0 }, 'subject_area.x is required'],
    ['subject_area', { x: -1, y: 0 }, 'subject_area.x must be at least 0'],
    ['subject_area', { x: 0, y: 0, width: 0 }, 'subject_area.width must be at least 1'],
    ['subject_area', { x: 0.5, y: 0 }, 'subject_area.x must be a whole number'],
    ['subject_area', { x: 0, y: 0, percentage: 'yes' }, 'subject_area.percentage'],
    ['subject_area', { x: 190, y: 0, width: 11 }, 'subject_area lies outside the image: x + width = 201'],
    ['subject_area', { x: 200, y: 0 }, 'subject_area lies outside the image'],
    ['subject_area', { x: 0, y: 90, height: 11 }, 'subject_area lies outside the image: y + height = 101'],
    [
      'subject_area',
      { x: 95, y: 0, width: 6, percentage: true },
      'subject_area lies outside the image: x + width = 101%',
    ],
    ['subject_area', { x: 0, y: 0, depth: 3 }, 'subject_area has an unknown field "depth"'],
    ['subject_area', [1, 2], 'subject_area must be an object'],
    ['subject_area', 5, 'subject_area must be an object'],
    ['crop_area', { x: 0, y: 0, width: 201 }, 'crop_area lies outside the image'],
    ['crop_area', { x: 0, y: 0, color: 'red' }, 'crop_area has an unknown field "color"'],
    [
      'multi_areas',
      { hero: { crop_area: { x: 0, y: 0, width: 300 } } },
      'multi_areas.hero.crop_area lies outside the image',
    ],
    ['multi_areas', { hero: { other: { x: 0, y: 0 } } }, 'unknown field "other"'],
    ['multi_areas', {}, 'multi_areas must be an object of named areas'],
    ['version', { text: '' }, 'version.text'],
    ['version', { text: 'x'.repeat(256) }, 'version.text'],
    ['version', { text: 'v', extra: 1 }, 'version has an unknown field "extra"'],
    ['version', {}, 'version.text'],
  ])('PUT %s %j is 400: %s', async (name, body, message) => {
    const res = await putDyn(source.hash, name, body);
    expect(res.status).toBe(400);
    expect(res.json.message).toContain(message);
    await expectUnchanged();
  });

  it('an empty PUT body is an empty definition: subject_area needs x', async () => {
    const res = await api(server, 'PUT', dyn(source.hash, 'subject_area'), {
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('subject_area.x is required');
    await expectUnchanged();
  });

  it.each([['{"x": 1,'], ['x=1&y=2'], ['not json']])('a non-JSON body %j is 400', async (body) => {
    const res = await putDyn(source.hash, 'subject_area', body);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/not valid JSON/);
    await expectUnchanged();
  });

  it('detection_face is 403: face detection is not configured', async () => {
    const res = await putDyn(source.hash, 'detection_face', {});
    expect(res.status).toBe(403);
    expect(res.json.message).toMatch(/face detection/i);
    expect(res.json.message).toMatch(/not configured/i);
    await expectUnchanged();
  });

  it.each([['unknown_thing'], ['Subject_Area'], ['__proto__'], ['constructor']])(
    'an unknown name %j is 400 naming it, on PUT and DELETE',
    async (name) => {
      const put = await putDyn(source.hash, name, AREA_10_20);
      expect(put.status).toBe(400);
      expect(put.json.message).toContain(JSON.stringify(name));
      const del = await delDyn(source.hash, name);
      expect(del.status).toBe(400);
      expect(del.json.message).toContain(JSON.stringify(name));
      await expectUnchanged();
    },
  );
});

describe('properties over HTTP', () => {
  const NAMES = ['subject_area', 'crop_area', 'version', 'multi_areas'] as const;
  type Name = (typeof NAMES)[number];
  const area = fc.tuple(fc.integer({ min: 0, max: 199 }), fc.integer({ min: 0, max: 99 })).chain(([x, y]) =>
    fc.record({
      x: fc.constant(x),
      y: fc.constant(y),
      width: fc.integer({ min: 1, max: 200 - x }),
      height: fc.integer({ min: 1, max: 100 - y }),
    }),
  );
  const definitions = fc.record({
    subject_area: area,
    crop_area: area,
    version: fc.stringMatching(/^[a-z0-9]{1,12}$/).map((text) => ({ text })),
    multi_areas: area.map((a) => ({ hero: { crop_area: a } })),
  });
  const order = fc.shuffledSubarray([...NAMES], { minLength: 1 });

  it('setting and then removing fields in any order gives back the original hash; the order of setting does not matter', async () => {
    const source = await newImage();
    await fc.assert(
      fc.asyncProperty(definitions, order, order, order, async (defs, setOrder, removeOrderRaw, secondOrderRaw) => {
        // Both other orders are permutations of exactly the fields that were set.
        const arrange = (raw: readonly Name[]): Name[] => [
          ...raw.filter((n) => setOrder.includes(n)),
          ...setOrder.filter((n) => !raw.includes(n)),
        ];
        const removeOrder = arrange(removeOrderRaw);
        const secondOrder = arrange(secondOrderRaw);

        let hash = source.hash;
        const seen = new Set([hash]);
        for (const name of setOrder) {
          const res = await putDyn(hash, name, defs[name]);
          expect(res.status).toBe(201);
          hash = res.json.hash;
          expect(seen.has(hash)).toBe(false);
          seen.add(hash);
        }
        const full = hash;
        for (const name of removeOrder) {
          const res = await delDyn(hash, name);
          expect(res.status).toBe(201);
          hash = res.json.hash;
        }
        expect(hash).toBe(source.hash);
        for (const name of secondOrder) {
          const res = await putDyn(hash, name, defs[name]);
          expect(res.status).toBe(201);
          hash = res.json.hash;
        }
        expect(hash).toBe(full);
        for (const name of removeOrder) {
          const res = await delDyn(hash, name);
          expect(res.status).toBe(201);
          hash = res.json.hash;
        }
        expect(hash).toBe(source.hash);
      }),
      { numRuns: 15 },
    );
    const back = await getImage(source.hash);
    expect(back.json).toMatchObject({ deleted: false, dynamic_metadata: {} });
  });

  it('re-setting the same value answers 204', async () => {
    const source = await newImage();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('subject_area', 'crop_area'),
        area,
        fc.boolean(),
        async (name, definition, addFalse) => {
          const first = await putDyn(source.hash, name, definition);
          expect(first.status).toBe(201);
          const reordered = Object.fromEntries(Object.entries(definition).reverse());
          const again = await putDyn(first.json.hash, name, addFalse ? { ...reordered, percentage: false } : reordered);
          expect(again.status).toBe(204);
          expect(again.headers.get('location')).toBe(`/sourceimages/acme/${first.json.hash}`);
        },
      ),
      { numRuns: 5 },
    );
  });
});
