// Metadata given at upload time (spec §2.1): meta_user, meta_dynamic and
// options fields of POST /sourceimages/{org}, in every naming form clients
// use; all or nothing; re-uploads.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount, indexRowsOf } from './catalog-rows.ts';
import {
  AREA_10_20,
  api,
  createOrg,
  SUBJECT_10_20,
  sha1,
  startServer,
  type TestServer,
  uniquePng,
  upload,
} from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
});
afterAll(() => server.close());

const NORMALIZED_10_20 = { subject_area: { width: 20, height: 20, x: 10, y: 10 } };

let seed = 9000;
const nextBytes = () => uniquePng(seed++, 200, 100, 60);

let orgSeq = 0;
/** A fresh organization, so that equal bytes make a new image in it. */
async function freshOrg(): Promise<string> {
  const name = `up${orgSeq++}`;
  await createOrg(server, name);
  return name;
}

describe('meta_user', () => {
  it('meta_user[0] as a JSON object sets normalized user metadata and its index rows', async () => {
    const bytes = await nextBytes();
    const res = await upload(server, 'acme', [{ name: 'a.png', bytes }], {
      'meta_user[0]': JSON.stringify({
        title: 'Up',
        'int:rank': '4',
        'date:at': '2024-01-01T02:00:00+02:00',
        'array:tags': 'solo',
      }),
    });
    expect(res.status).toBe(200);
    const image = res.json.items[0];
    const expected = { title: 'Up', 'int:rank': 4, 'date:at': '2024-01-01T00:00:00Z', 'array:tags': ['solo'] };
    expect(image.user_metadata).toEqual(expected);
    expect(image.hash).toBe(sha1(`${sha1(bytes)}a:0:{}`));
    expect((await api(server, 'GET', `/sourceimages/acme/${image.hash}/meta/user`)).json).toEqual(expected);
    expect(await indexRowsOf(server, 'acme', image.hash)).toEqual([
      { name: 'at', type: 'date', seq: 0, str: '2024-01-01T00:00:00Z', num: Date.UTC(2024, 0, 1) },
      { name: 'rank', type: 'int', seq: 0, str: null, num: 4 },
      { name: 'tags', type: 'array', seq: 0, str: 'solo', num: null },
      { name: 'title', type: 'str', seq: 0, str: 'Up', num: null },
    ]);
  });

  it.each([
    ['meta_user[0] double-encoded', 'meta_user[0]', true],
    ['meta_user[]', 'meta_user[]', false],
    ['meta_user[] double-encoded', 'meta_user[]', true],
    ['bare meta_user', 'meta_user', false],
    ['bare meta_user double-encoded', 'meta_user', true],
  ])('%s applies to the first image', async (_label, field, twice) => {
    const body = { title: 'Form', 'int:n': 1 };
    const encoded = twice ? JSON.stringify(JSON.stringify(body)) : JSON.stringify(body);
    const res = await upload(server, 'acme', [{ name: 'a.png', bytes: await nextBytes() }], { [field]: encoded });
    expect(res.status).toBe(200);
    expect(res.json.items[0].user_metadata).toEqual({ title: 'Form', 'int:n': 1 });
  });

  it('meta_user[i] goes to image i; [] counts up per field name', async () => {
    const files = [
      { name: 'a.png', bytes: await nextBytes() },
      { name: 'b.png', bytes: await nextBytes() },
      { name: 'c.png', bytes: await nextBytes() },
    ];
    const indexed = await upload(server, 'acme', files, {
      'meta_user[2]': JSON.stringify({ which: 'third' }),
      'meta_user[0]': JSON.stringify({ which: 'first' }),
    });
    expect(indexed.status).toBe(200);
    expect(indexed.json.items.map((i: { user_metadata: unknown }) => i.user_metadata)).toEqual([
      { which: 'first' },
      {},
      { which: 'third' },
    ]);

    const fd = new FormData();
    const more = [await nextBytes(), await nextBytes()];
    for (const [i, b] of more.entries()) fd.append('filedata', new Blob([new Uint8Array(b)]), `m${i}.png`);
    fd.append('meta_user[]', JSON.stringify({ which: 'one' }));
    fd.append('meta_user[]', JSON.stringify({ which: 'two' }));
    const pushed = await api(server, 'POST', '/sourceimages/acme', { body: fd });
    expect(pushed.status).toBe(200);
    expect(pushed.json.items.map((i: { user_metadata: unknown }) => i.user_metadata)).toEqual([
      { which: 'one' },
      { which: 'two' },
    ]);
  });

  it('keeps __proto__ as a plain field at upload too', async () => {
    const res = await upload(server, 'acme', [{ name: 'a.png', bytes: await nextBytes() }], {
      'meta_user[0]': '{"__proto__": "x", "constructor": "y"}',
    });
    expect(res.status).toBe(200);
    const image = res.json.items[0];
    // JSON.parse keeps "__proto__" as an own key, so the answer shows whether the server kept it as data.
    const fields = (meta: Record<string, unknown>) => Object.entries(meta).sort(([a], [b]) => a.localeCompare(b));
    expect(fields(image.user_metadata)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    const stored = await api(server, 'GET', `/sourceimages/acme/${image.hash}/meta/user`);
    expect(stored.status).toBe(200);
    expect(fields(stored.json)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(await indexRowsOf(server, 'acme', image.hash)).toEqual([
      { name: '__proto__', type: 'str', seq: 0, str: 'x', num: null },
      { name: 'constructor', type: 'str', seq: 0, str: 'y', num: null },
    ]);
  });
});

describe('meta_dynamic and options', () => {
  it('meta_dynamic[0] as one object sets the dynamic metadata and the hash', async () => {
    const bytes = await nextBytes();
    const res = await upload(server, 'acme', [{ name: 'a.png', bytes }], {
      'meta_dynamic[0]': JSON.stringify({ subject_area: AREA_10_20 }),
    });
    expect(res.status).toBe(200);
    const image = res.json.items[0];
    expect(image.dynamic_metadata).toEqual(NORMALIZED_10_20);
    expect(image.hash).toBe(sha1(sha1(bytes) + SUBJECT_10_20));
    expect(image.binary_hash).toBe(sha1(bytes));
  });

  it.each([
    ['meta_dynamic[0][subject_area]', false],
    ['meta_dynamic[0][subject_area]', true],
    ['meta_dynamic[][subject_area]', false],
    ['meta_dynamic[subject_area]', false],
  ])('%s (double-encoded: %s) carries one definition', async (field, twice) => {
    const org = await freshOrg();
    const bytes = await nextBytes();
    const encoded = twice ? JSON.stringify(JSON.stringify(AREA_10_20)) : JSON.stringify(AREA_10_20);
    const res = await upload(server, org, [{ name: 'a.png', bytes }], { [field]: encoded });
    expect(res.status).toBe(200);
    expect(res.json.items[0].dynamic_metadata).toEqual(NORMALIZED_10_20);
    expect(res.json.items[0].hash).toBe(sha1(sha1(bytes) + SUBJECT_10_20));
  });

  it.each([['meta_dynamic[]'], ['meta_dynamic']])('%s as one object applies to the first image', async (field) => {
    const bytes = await nextBytes();
    const res = await upload(server, 'acme', [{ name: 'a.png', bytes }], {
      [field]: JSON.stringify({ subject_area: AREA_10_20 }),
    });
    expect(res.status).toBe(200);
    expect(res.json.items[0].hash).toBe(sha1(sha1(bytes) + SUBJECT_10_20));
  });

  it('meta_dynamic[i] goes to image i only', async () => {
    const a = await nextBytes();
    const b = await nextBytes();
    const res = await upload(
      server,
      'acme',
      [
        { name: 'a.png', bytes: a },
        { name: 'b.png', bytes: b },
      ],
      {
        'meta_dynamic[1][version]': JSON.stringify({ text: 'v9' }),
      },
    );
    expect(res.status).toBe(200);
    expect(res.json.items[0].dynamic_metadata).toEqual({});
    expect(res.json.items[0].hash).toBe(sha1(`${sha1(a)}a:0:{}`));
    expect(res.json.items[1].dynamic_metadata).toEqual({ version: { text: 'v9' } });
  });

  it('options[0] {"protected": true} gives a different hash than unprotected', async () => {
    const bytes = await nextBytes();
    const plain = await upload(server, 'acme', [{ name: 'a.png', bytes }]);
    const prot = await upload(server, 'acme', [{ name: 'a.png', bytes }], {
      'options[0]': JSON.stringify({ protected: true }),
    });
    expect(prot.status).toBe(200);
    expect(prot.json.items[0].protected).toBe(true);
    expect(plain.json.items[0].protected).toBe(false);
    expect(prot.json.items[0].hash).not.toBe(plain.json.items[0].hash);
    expect(prot.json.items[0].hash).toBe(sha1(`${sha1(bytes)}a:1:{s:9:"protected";b:1;}`));
    // protected and dynamic together
    const both = await upload(server, 'acme', [{ name: 'a.png', bytes }], {
      'options[0]': JSON.stringify({ protected: true }),
      'meta_dynamic[0][subject_area]': JSON.stringify(AREA_10_20),
    });
    expect(both.json.items[0].hash).toBe(
      sha1(
        `${sha1(bytes)}a:2:{s:9:"protected";b:1;s:12:"subject_area";a:4:{s:6:"height";i:20;s:5:"width";i:20;s:1:"x";i:10;s:1:"y";i:10;}}`,
      ),
    );
    // {"protected": false} is the plain image
    const unprot = await upload(server, 'acme', [{ name: 'a.png', bytes }], {
      'options[0]': JSON.stringify({ protected: false }),
    });
    expect(unprot.json.items[0].hash).toBe(plain.json.items[0].hash);
  });
});

describe('a bad field stores nothing', () => {
  it.each([
    ['meta_user[0]', JSON.stringify({ 'Bad-Name': 'x' }), 400, 'Bad-Name'],
    ['meta_user[0]', JSON.stringify({ 'int:n': 1.5 }), 400, 'int:n'],
    ['meta_user[0]', JSON.stringify({ 'date:d': '2024-05-31' }), 400, 'date:d'],
    ['meta_user[0]', JSON.stringify({ 'latlon:l': '91,0' }), 400, 'latlon:l'],
    ['meta_user[0]', JSON.stringify({ 'array:a': [{ x: 1 }] }), 400, 'array:a'],
    ['meta_user[0]', JSON.stringify({ title: { nested: true } }), 400, 'title'],
    ['meta_user[0]', JSON.stringify(JSON.stringify({ 'int:n': 'abc' })), 400, 'int:n'],
    ['meta_user[0]', '{"title": ', 400, 'meta_user[0]'],
    ['meta_user[0]', '["a"]', 400, 'meta_user[0]'],
    ['meta_user[]', JSON.stringify({ 'foo:bar': 'x' }), 400, 'foo:bar'],
    ['meta_dynamic[0]', JSON.stringify({ subject_area: { x: 190, y: 0, width: 20 } }), 400, 'subject_area'],
    ['meta_dynamic[0][subject_area]', JSON.stringify({ x: 0, y: 95, height: 10 }), 400, 'subject_area'],
    ['meta_dynamic[0][crop_area]', JSON.stringify({ x: 0, y: 0, bogus: 1 }), 400, 'bogus'],
    ['meta_dynamic[0][unknown_thing]', JSON.stringify({ x: 0, y: 0 }), 400, 'unknown_thing'],
    ['meta_dynamic[0]', JSON.stringify({ version: { text: '' } }), 400, 'version.text'],
    ['meta_dynamic[0]', '"just text"', 400, 'meta_dynamic[0]'],
    ['meta_dynamic[0][detection_face]', '{}', 403, 'face detection'],
    ['options[0]', JSON.stringify({ protected: 'yes' }), 400, 'protected'],
  ])('%s = %s → %i naming %j; no row, no blob', async (field, value, status, mention) => {
    const org = await freshOrg();
    const blobsBefore = (await blobFiles(server)).blobs.length;
    const res = await upload(server, org, [{ name: 'a.png', bytes: await nextBytes() }], { [field]: value });
    expect(res.status).toBe(status);
    expect(res.json.message).toContain(mention);
    expect(await imageCount(server, org)).toBe(0);
    const files = await blobFiles(server);
    expect(files.blobs.length).toBe(blobsBefore);
    expect(files.temp).toEqual([]);
  });

  it('one bad field fails the whole request of several images', async () => {
    const org = await freshOrg();
    const blobsBefore = (await blobFiles(server)).blobs.length;
    const res = await upload(
      server,
      org,
      [
        { name: 'a.png', bytes: await nextBytes() },
        { name: 'b.png', bytes: await nextBytes() },
      ],
      {
        'meta_user[0]': JSON.stringify({ fine: 'yes' }),
        'meta_user[1]': JSON.stringify({ 'int:bad': 'x' }),
      },
    );
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('int:bad');
    expect(await imageCount(server, org)).toBe(0);
    expect((await blobFiles(server)).blobs.length).toBe(blobsBefore);
  });
});

describe('re-uploads', () => {
  it('merge the upload’s user metadata into the existing image: upload fields overwrite, others stay', async () => {
    const org = await freshOrg();
    const bytes = await nextBytes();
    const first = await upload(server, org, [{ name: 'first.png', bytes }], {
      'meta_user[0]': JSON.stringify({ a: '1', b: '2', 'int:c': 3 }),
    });
    const hash = first.json.items[0].hash;
    server.advanceClock(60_000);
    const second = await upload(server, org, [{ name: 'second.png', bytes }], {
      'meta_user[0]': JSON.stringify({ b: 'two', 'str:c': 'three', d: '4' }),
    });
    expect(second.status).toBe(200);
    const image = second.json.items[0];
    expect(image.hash).toBe(hash);
    expect(image.name).toBe('first.png');
    expect(image.created).toBe(first.json.items[0].created);
    const expected = { a: '1', b: 'two', c: 'three', d: '4' };
    expect(image.user_metadata).toEqual(expected);
    expect((await api(server, 'GET', `/sourceimages/${org}/${hash}/meta/user`)).json).toEqual(expected);
    expect(await imageCount(server, org)).toBe(1);
    expect(await indexRowsOf(server, org, hash)).toEqual([
      { name: 'a', type: 'str', seq: 0, str: '1', num: null },
      { name: 'b', type: 'str', seq: 0, str: 'two', num: null },
      { name: 'c', type: 'str', seq: 0, str: 'three', num: null },
      { name: 'd', type: 'str', seq: 0, str: '4', num: null },
    ]);
    // without meta_user nothing is lost
    const third = await upload(server, org, [{ name: 'third.png', bytes }]);
    expect(third.json.items[0].user_metadata).toEqual(expected);
  });

  it('of a deleted image restore it and merge', async () => {
    const org = await freshOrg();
    const bytes = await nextBytes();
    const first = await upload(server, org, [{ name: 'a.png', bytes }], { 'meta_user[0]': JSON.stringify({ a: '1' }) });
    const hash = first.json.items[0].hash;
    expect((await api(server, 'DELETE', `/sourceimages/${org}/${hash}`)).status).toBe(204);
    const again = await upload(server, org, [{ name: 'a.png', bytes }], { 'meta_user[0]': JSON.stringify({ b: '2' }) });
    expect(again.json.items[0]).toMatchObject({ hash, deleted: false, user_metadata: { a: '1', b: '2' } });
  });

  it('of a locked image refuse a meta_user change with 403 and change nothing; plain re-uploads still answer 200', async () => {
    const org = await freshOrg();
    const bytes = await nextBytes();
    const first = await upload(server, org, [{ name: 'a.png', bytes }], { 'meta_user[0]': JSON.stringify({ a: '1' }) });
    const hash = first.json.items[0].hash;
    expect((await api(server, 'PUT', `/sourceimages/${org}/${hash}/options/locked`, { body: 'true' })).status).toBe(
      200,
    );
    const rowsBefore = await indexRowsOf(server, org, hash);

    const changed = await upload(server, org, [{ name: 'a.png', bytes }], {
      'meta_user[0]': JSON.stringify({ a: 'changed', b: '2' }),
    });
    expect(changed.status).toBe(403);
    expect(changed.json.message).toMatch(/locked/);
    expect((await api(server, 'GET', `/sourceimages/${org}/${hash}/meta/user`)).json).toEqual({ a: '1' });
    expect(await indexRowsOf(server, org, hash)).toEqual(rowsBefore);
    expect(await imageCount(server, org)).toBe(1);

    const plain = await upload(server, org, [{ name: 'a.png', bytes }]);
    expect(plain.status).toBe(200);
    expect(plain.json.items[0]).toMatchObject({ hash, locked: true, user_metadata: { a: '1' } });
    const same = await upload(server, org, [{ name: 'a.png', bytes }], { 'meta_user[0]': JSON.stringify({ a: '1' }) });
    expect(same.status).toBe(200);
  });

  it('with a bad field leave the existing image as it was', async () => {
    const org = await freshOrg();
    const bytes = await nextBytes();
    const first = await upload(server, org, [{ name: 'a.png', bytes }], { 'meta_user[0]': JSON.stringify({ a: '1' }) });
    const hash = first.json.items[0].hash;
    const bad = await upload(server, org, [{ name: 'a.png', bytes }], {
      'meta_user[0]': JSON.stringify({ a: 'changed', 'int:b': 'x' }),
    });
    expect(bad.status).toBe(400);
    expect((await api(server, 'GET', `/sourceimages/${org}/${hash}/meta/user`)).json).toEqual({ a: '1' });
    expect(await indexRowsOf(server, org, hash)).toEqual([{ name: 'a', type: 'str', seq: 0, str: '1', num: null }]);
  });

  it('with different dynamic metadata make a second image sharing the binary hash', async () => {
    const org = await freshOrg();
    const bytes = await nextBytes();
    const plain = await upload(server, org, [{ name: 'a.png', bytes }], { 'meta_user[0]': JSON.stringify({ a: '1' }) });
    const blobsBefore = (await blobFiles(server)).blobs.length;
    const withArea = await upload(server, org, [{ name: 'a.png', bytes }], {
      'meta_dynamic[0][subject_area]': JSON.stringify(AREA_10_20),
      'meta_user[0]': JSON.stringify({ b: '2' }),
    });
    expect(withArea.status).toBe(200);
    const second = withArea.json.items[0];
    expect(second.hash).not.toBe(plain.json.items[0].hash);
    expect(second.binary_hash).toBe(plain.json.items[0].binary_hash);
    expect(second.user_metadata).toEqual({ b: '2' });
    expect(await imageCount(server, org)).toBe(2);
    expect((await blobFiles(server)).blobs.length).toBe(blobsBefore);
    const byBinary = await api(server, 'GET', `/sourceimages/${org}/binaryhash/${sha1(bytes)}`);
    expect(byBinary.json.total).toBe(2);
    // the plain image is untouched
    expect((await api(server, 'GET', `/sourceimages/${org}/${plain.json.items[0].hash}/meta/user`)).json).toEqual({
      a: '1',
    });
    expect(await indexRowsOf(server, org, second.hash)).toEqual([
      { name: 'b', type: 'str', seq: 0, str: '2', num: null },
    ]);
  });
});
