// Queries made by the search builder, sent to a real origo: each is
// accepted (200) and finds the images it should.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, png, ROOT_KEY, startServer, type TestServer, upload } from '../../server/test/helpers.ts';
import { fields, type SearchQuery, search } from '../src/search/index.ts';

let server: TestServer;

interface Listing {
  total: number;
  items: { name: string }[];
  cursor?: string;
  facets?: Record<string, { value: string; count: number }[]>;
}

async function find(query: SearchQuery): Promise<Listing> {
  const res = await fetch(`${server.url}/sourceimages/acme?${query.toString()}`, { headers: { 'api-key': ROOT_KEY } });
  const text = await res.text();
  expect(res.status, `${query.toString()} → ${text}`).toBe(200);
  return JSON.parse(text);
}

const names = async (query: SearchQuery) => (await find(query)).items.map((i) => i.name).sort();

beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
  const images = [
    {
      name: '[draft] beach.jpg',
      meta: {
        category: 'travel',
        'array:tags': ['beach', 'sun'],
        'int:rank': 3,
        'double:score': 0.9,
        'date:taken': '2017-01-01T10:00:00Z',
        'latlon:place': '47.5,8.25',
        'text:caption': 'Quick brown fox',
      },
    },
    {
      name: "it's+b.png",
      meta: {
        category: 'work',
        'array:tags': ['sun'],
        'int:rank': 10,
        'double:score': 0.5,
        'text:caption': 'lazy dog',
      },
    },
    { name: 'a*', meta: { category: 'travel', 'int:rank': 1, 'array:tags': ['city'] }, area: true },
  ];
  for (const [seed, image] of images.entries()) {
    const extra: Record<string, string> = { 'meta_user[0]': JSON.stringify(image.meta) };
    if (image.area) extra['meta_dynamic[0][subject_area]'] = JSON.stringify({ x: 2, y: 2, width: 4, height: 4 });
    const res = await upload(server, 'acme', [{ name: image.name, bytes: await png(seed + 1) }], extra);
    if (res.status !== 200) throw new Error(`upload ${image.name}: ${res.status} ${res.text}`);
  }
});

afterAll(async () => {
  await server?.close();
});

const A = '[draft] beach.jpg';
const B = "it's+b.png";
const C = 'a*';

describe('built queries against origo', () => {
  it('finds by equality on array, str, latlon and names that need quoting', async () => {
    expect(await names(search().where(fields.user.array('tags'), 'beach'))).toEqual([A]);
    expect(await names(search().where(fields.user.str('category'), 'travel'))).toEqual([C, A].sort());
    expect(await names(search().where(fields.user.latlon('place'), { lat: 47.5, lon: 8.25 }))).toEqual([A]);
    expect(await names(search().where(fields.name, C))).toEqual([C]);
    expect(await names(search().where(fields.name, B))).toEqual([B]);
  });

  it('combines filters with and, or with or', async () => {
    const both = search().where(fields.user.array('tags'), 'sun').where(fields.user.array('tags'), 'beach');
    expect(await names(both)).toEqual([A]);
    expect(await names(both.operator('or'))).toEqual([A, B].sort());
  });

  it('finds by ranges on numbers, strings and dates', async () => {
    expect(await names(search().range(fields.user.int('rank'), { gte: 1, lt: 10 }))).toEqual([A, C].sort());
    expect(await names(search().range(fields.user.double('score'), { gt: 0.5 }))).toEqual([A]);
    expect(await names(search().range(fields.name, { gte: 'a', lt: 'b' }))).toEqual([C]);
    const taken = search().range(fields.user.date('taken'), {
      gte: '2017-01-01T11:00:00+01:00',
      lt: new Date(Date.UTC(2017, 0, 2)),
    });
    expect(await names(taken)).toEqual([A]);
    expect(await names(search().range(fields.created, { gte: new Date(Date.now() - 3600_000) }))).toHaveLength(3);
    expect(await names(search().range(fields.dynamic.int('subject_area', 'x'), { gte: 0, lte: 5 }))).toEqual([C]);
  });

  it('finds by prefix and words, also a prefix that starts with a bracket', async () => {
    expect(await names(search().prefix(fields.name, '[dr'))).toEqual([A]);
    expect(await names(search().prefix(fields.name, "it'"))).toEqual([B]);
    expect(await names(search().prefix(fields.nameText, 'bea'))).toEqual([A]);
    expect(await names(search().where(fields.user.text('caption'), 'fox QUICK'))).toEqual([A]);
    expect(await names(search().prefix(fields.user.text('caption'), 'la'))).toEqual([B]);
    expect(await names(search().present(fields.user.text('caption')))).toEqual([A, B].sort());
  });

  it('sorts, counts facets and pages by cursor', async () => {
    const sorted = await find(search().sort(fields.user.str('category'), 'desc').sort(fields.name));
    // Names compare by code point: '[' (U+005B) before 'a'.
    expect(sorted.items.map((i) => i.name)).toEqual([B, A, C]);
    const byRank = await find(search().present(fields.user.str('category')).sort(fields.user.int('rank'), 'desc'));
    expect(byRank.items.map((i) => i.name)).toEqual([B, A, C]);

    const counted = await find(search().facets(fields.user.array('tags'), fields.user.str('category')).limit(0));
    expect(counted.total).toBe(3);
    expect(counted.items).toEqual([]);
    expect(counted.facets).toEqual({
      'user:array:tags': [
        { value: 'sun', count: 2 },
        { value: 'beach', count: 1 },
        { value: 'city', count: 1 },
      ],
      'user:category': [
        { value: 'travel', count: 2 },
        { value: 'work', count: 1 },
      ],
    });

    const query = search().sort(fields.name).limit(2);
    const first = await find(query);
    expect(first.items.map((i) => i.name)).toEqual([A, C]);
    expect(first.cursor).toBeTypeOf('string');
    const second = await find(query.cursor(first.cursor ?? ''));
    expect(second.items.map((i) => i.name)).toEqual([B]);
    expect((await find(query.offset(1))).items.map((i) => i.name)).toEqual([C, B]);
  });

  it('searches deleted images', async () => {
    expect(await find(search().deleted())).toMatchObject({ total: 0, items: [] });
  });
});
