// Search on GET /sourceimages/{org} over HTTP (issue 4), what matches:
// filters of every field type, SQL metacharacters and LIKE wildcards
// matching literally, and operators. Order, paging, facets and changes are
// in search-listing.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers.ts';
import { get, type Item, img, labels, openShop, sorted, url } from './search-shop.ts';

let server: TestServer;
beforeAll(async () => {
  server = await openShop();
});
afterAll(() => server.close());

describe('filters by field type', () => {
  it('str: exact whole value and prefix', async () => {
    expect(await labels({ 'user:category': 'travel' })).toEqual(['night', 'beach']);
    expect(await labels({ 'user:str:category': 'trav*' })).toEqual(['night', 'beach']);
    expect(await labels({ 'user:category': 'trav' })).toEqual([]);
    expect(await labels({ 'user:category': 'Travel' })).toEqual([]);
    expect(sorted(await labels({ 'user:category': '*' }))).toEqual(
      sorted(['beach', 'night', 'city', 'quote', 'percent', 'axb', 'a_b']),
    );
    expect(await labels({ 'user:category': '[t,u]' })).toEqual(['night', 'beach']);
  });

  it('int and double: equality and every range form', async () => {
    expect(await labels({ 'user:int:rank': '5' })).toEqual(['beach']);
    expect(await labels({ 'user:int:rank': '[5,10]' })).toEqual(['night', 'beach']);
    expect(await labels({ 'user:int:rank': '{5,10]' })).toEqual(['night']);
    expect(await labels({ 'user:int:rank': '[5,10}' })).toEqual(['beach']);
    expect(await labels({ 'user:int:rank': '{,5}' })).toEqual(['city']);
    expect(await labels({ 'user:int:rank': '{1,}' })).toEqual(['night', 'beach']);
    expect(await labels({ 'user:double:score': '[1,2]' })).toEqual(['beach']);
    expect(await labels({ 'user:double:score': '0.5' })).toEqual(['night']);
    // A field of another type does not match.
    expect(await labels({ 'user:double:rank': '5' })).toEqual([]);
  });

  it('date: quoted and unquoted bounds, offsets, a form-decoded +', async () => {
    expect(await labels({ 'user:date:shot': "['2017-01-01T00:00:00Z','2018-01-01T00:00:00Z'}" })).toEqual(['beach']);
    expect(await labels({ 'user:date:shot': "['2017-01-01T00:00:00Z','2018-01-01T00:00:00Z']" })).toEqual([
      'city',
      'beach',
    ]);
    expect(await labels({ 'user:date:shot': '2018-01-01T01:00:00+01:00' })).toEqual(['city']);
    // `+` unencoded in the URL arrives as a space.
    const raw = await api(server, 'GET', '/sourceimages/shop?user:date:shot=2018-01-01T01:00:00+01:00');
    expect(raw.json.items.map((i: Item) => i.hash)).toEqual([img['city']!.hash]);
    expect(await labels({ 'user:date:shot': '{2017-06-01T10:00:00Z,}' })).toEqual(['city']);
  });

  it('array: any element equals; prefix matches each image once', async () => {
    expect(await labels({ 'user:array:tags': 'beach' })).toEqual(['night', 'beach']);
    expect(await labels({ 'user:array:tags': 'bea*' })).toEqual(['night', 'beach']);
    expect(await labels({ 'user:array:tags': 'sun' })).toEqual(['beach']);
    // Two filters on one field: both values present.
    expect(
      await labels([
        ['user:array:tags', 'beach'],
        ['user:array:tags', 'night'],
      ]),
    ).toEqual(['night']);
  });

  it('text and array_text: every word must match, case-folded; * makes the last a prefix', async () => {
    expect(await labels({ 'user:text:desc': 'quick fox' })).toEqual(['beach']);
    expect(await labels({ 'user:text:desc': 'QUICK brow*' })).toEqual(['beach']);
    expect(await labels({ 'user:text:desc': 'quick dog' })).toEqual([]);
    expect(await labels({ 'user:text:desc': 'slee*' })).toEqual(['night']);
    expect(await labels({ 'user:array_text:notes': 'sunny evening' })).toEqual(['night']);
    expect(await labels({ 'user:array_text:notes': 'even*' })).toEqual(['night']);
  });

  it('latlon: equality after normalization', async () => {
    expect(await labels({ 'user:latlon:where': '47.50,8.250' })).toEqual(['beach']);
    expect(await labels({ 'user:latlon:where': '47.5,8.26' })).toEqual([]);
  });

  it('image fields: name, name_text, format, mimetype, sizes, hashes, created', async () => {
    expect(await labels({ name: 'city.jpg' })).toEqual(['city']);
    expect(await labels({ name: 'Beach*' })).toEqual(['night']);
    expect(await labels({ name_text: 'beach' })).toEqual(['night', 'beach']);
    expect(await labels({ name_text: 'BEA*' })).toEqual(['night', 'beach']);
    expect(await labels({ name_text: 'beach night' })).toEqual(['night']);
    expect(await labels({ format: 'png' })).toEqual(['night']);
    expect(await labels({ mimetype: 'image/png' })).toEqual(['night']);
    expect(await labels({ width: '[60,}' })).toEqual(['city']);
    expect(await labels({ height: '30' })).toEqual(['beach']);
    expect((await labels({ size: '[1,}' })).length).toBe(9);
    const beach = img['beach']!;
    expect(await labels({ hash: beach.hash })).toEqual(['beach']);
    expect(await labels({ hash: `${beach.hash.slice(0, 10).toUpperCase()}*` })).toEqual(['beach']);
    expect(await labels({ short_hash: beach.short_hash })).toEqual(['beach']);
    expect(await labels({ binaryhash: beach.binary_hash })).toEqual(['beach']);
    const created = img['city']!.created.replace('+00:00', 'Z');
    expect(await labels({ created })).toEqual(['city']);
    expect(await labels({ created: `{${created},}` })).toEqual(['canon', 'plain', 'a_b', 'axb', 'percent', 'quote']);
  });

  it('dynamic and static metadata', async () => {
    expect(await labels({ 'dynamic:str:version:text': 'v2' })).toEqual(['canon']);
    expect(await labels({ 'dynamic:text:version:text': 'V2' })).toEqual(['canon']);
    expect(await labels({ 'dynamic:int:subject_area:x': '[0,100]' })).toEqual(['canon']);
    expect(await labels({ 'dynamic:int:subject_area:x': '[3,100]' })).toEqual([]);
    expect(await labels({ 'static:str:exif:Make': 'Canon' })).toEqual(['canon']);
    expect(await labels({ 'static:text:exif:Model': 'eos' })).toEqual(['canon']);
    expect(await labels({ 'static:date:exif:DateTime': '2024-01-02T03:04:05Z' })).toEqual(['canon']);
  });

  it('never shows another organization’s images', async () => {
    // Same bytes, so the same hash as shop's beach image; but only other's row is listed.
    const res = await get({ 'user:category': 'travel' }, 'other');
    expect(res.json.total).toBe(1);
    expect(res.json.items.map((i: { organization: string }) => i.organization)).toEqual(['other']);
    expect((await get({ facets: 'user:category' }, 'other')).json.facets).toEqual({
      'user:category': [{ value: 'travel', count: 1 }],
    });
  });
});

describe('SQL metacharacters and LIKE wildcards match literally', () => {
  it('in names', async () => {
    expect(await labels({ name: `it's "quoted"; --drop.jpg` })).toEqual(['quote']);
    expect(await labels({ name: `it's*` })).toEqual(['quote']);
    expect(await labels({ name: '100%*' })).toEqual(['percent']);
    expect(await labels({ name: 'a_b*' })).toEqual(['a_b']);
    expect(await labels({ name: '%*' })).toEqual([]);
    expect(await labels({ name: '_*' })).toEqual([]);
    // A value starting with ' is a quoted value: this one is malformed (400); quoted properly it is just text.
    const injection = await api(server, 'GET', url({ name: "' OR '1'='1" }));
    expect(injection.status).toBe(400);
    expect(injection.json.message).toContain('"name"');
    expect(await labels({ name: "''' OR ''1''=''1'" })).toEqual([]);
    expect(await labels({ name: "'it''s \"quoted\"; --drop.jpg'" })).toEqual(['quote']);
    expect(await labels({ name: "x'; DROP TABLE images; --" })).toEqual([]);
    expect((await labels({})).length).toBe(9);
  });

  it('in user metadata', async () => {
    expect(await labels({ 'user:category': "o'brien; --" })).toEqual(['quote']);
    expect(await labels({ 'user:category': "o'*" })).toEqual(['quote']);
    expect(await labels({ 'user:category': 'a_b' })).toEqual(['a_b']);
    expect(await labels({ 'user:category': 'a_*' })).toEqual(['a_b']);
    expect(await labels({ 'user:category': '100%' })).toEqual(['percent']);
    expect(await labels({ 'user:category': '%' })).toEqual([]);
    expect(await labels({ 'user:array:tags': '100%' })).toEqual(['quote']);
    expect(await labels({ 'user:array:tags': 'a_*' })).toEqual(['quote']);
    expect(await labels({ 'user:category': '"' })).toEqual([]);
  });
});

describe('operators', () => {
  it('ANDs filters by default and ORs them all with operator=or', async () => {
    expect(await labels({ 'user:category': 'travel', 'user:int:rank': '[6,}' })).toEqual(['night']);
    expect(await labels({ operator: 'or', 'user:category': 'urban', format: 'png' })).toEqual(['city', 'night']);
    expect(
      await labels({ operator: 'or', 'user:int:rank': '1', name_text: 'beach', 'user:text:desc': 'lazy dog' }),
    ).toEqual(['city', 'night', 'beach']);
    expect(await labels({ operator: 'and', 'user:category': 'urban', format: 'png' })).toEqual([]);
  });
});
