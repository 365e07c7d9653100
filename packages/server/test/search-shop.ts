// The organization `shop` that the search-*.test.ts files search over HTTP:
// images with user, dynamic and static (EXIF) metadata of every field type,
// names with SQL metacharacters and LIKE wildcards, one image of `other`
// with the same bytes, and helpers that list `shop` by image label.

import sharp from 'sharp';
import { expect } from 'vitest';
import { api, createOrg, jpeg, png, startServer, type TestServer, upload } from './helpers.ts';

export type Res = Awaited<ReturnType<typeof api>>;
export interface Item {
  hash: string;
  short_hash: string;
  binary_hash: string;
  name: string;
  created: string;
}

let server: TestServer;
/** The images of `shop` by label. */
export const img: Record<string, Item> = {};

export function url(params: Record<string, string> | [string, string][], org = 'shop'): string {
  return `/sourceimages/${org}?${new URLSearchParams(params).toString()}`;
}

export async function get(params: Record<string, string> | [string, string][], org = 'shop'): Promise<Res> {
  const res = await api(server, 'GET', url(params, org));
  expect(res.status, res.text).toBe(200);
  return res;
}

/** Labels of the items, in order. */
export async function labels(params: Record<string, string> | [string, string][], org = 'shop'): Promise<string[]> {
  const entries: [string, string][] = Array.isArray(params) ? params : Object.entries(params);
  const res = await get([['limit', '2000'], ...entries.filter(([k]) => k !== 'limit')], org);
  const byHash = new Map(Object.entries(img).map(([label, item]) => [item.hash, label]));
  const items = res.json.items.map((i: Item) => byHash.get(i.hash) ?? `?${i.name}`);
  expect(res.json.total, 'total counts every match').toBe(items.length);
  return items;
}

export const sorted = (xs: string[]) => [...xs].sort();

async function add(label: string, name: string, bytes: Buffer, fields: Record<string, string> = {}): Promise<void> {
  const res = await upload(server, 'shop', [{ name, bytes }], fields);
  if (res.status !== 200) throw new Error(`${label}: ${res.status} ${res.text}`);
  img[label] = res.json.items[0];
  server.advanceClock(60_000);
}

const user = (meta: Record<string, unknown>) => ({ 'meta_user[0]': JSON.stringify(meta) });

/** For beforeAll: a server with `shop` and `other` filled; the helpers above then search it. */
export async function openShop(): Promise<TestServer> {
  server = await startServer();
  await createOrg(server, 'shop');
  await createOrg(server, 'other');
  await add(
    'beach',
    'beach-day.jpg',
    await jpeg(10, 40, 30),
    user({
      category: 'travel',
      'int:rank': 5,
      'double:score': 1.5,
      'date:shot': '2017-06-01T10:00:00Z',
      'array:tags': ['beach', 'beauty', 'sun'],
      'text:desc': 'A quick brown fox',
      'latlon:where': '47.5,8.25',
    }),
  );
  await add(
    'night',
    'Beach Night.png',
    await png(40, 20, 20),
    user({
      category: 'travel',
      'int:rank': 10,
      'double:score': 0.5,
      'array:tags': ['beach', 'night'],
      'text:desc': 'Lazy dog sleeping',
      'array_text:notes': ['Sunny day', 'warm evening'],
    }),
  );
  await add(
    'city',
    'city.jpg',
    await jpeg(70, 64, 48),
    user({ category: 'urban', 'int:rank': 1, 'array:tags': ['city'], 'date:shot': '2018-01-01T00:00:00Z' }),
  );
  await add('quote', 'quote.jpg', await jpeg(100), user({ category: "o'brien; --", 'array:tags': ['100%', 'a_b'] }));
  // Multipart encodes " in file names: set the exact name by renaming.
  const renamed = await api(server, 'PUT', `/sourceimages/shop/${img['quote']!.hash}/name`, {
    body: JSON.stringify(`it's "quoted"; --drop.jpg`),
  });
  if (renamed.status !== 204) throw new Error(renamed.text);
  img['quote']!.name = `it's "quoted"; --drop.jpg`;
  await add('percent', '100%_done.jpg', await jpeg(130), user({ category: '100%' }));
  await add('axb', 'axb.jpg', await jpeg(160), user({ category: 'axb', 'array:tags': ['axb'] }));
  await add('a_b', 'a_b.jpg', await jpeg(190), user({ category: 'a_b' }));
  await add('plain', 'plain.jpg', await jpeg(220));
  const exif = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 9, g: 9, b: 9 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'Canon', Model: 'EOS 5D', DateTime: '2024:01:02 03:04:05' } })
    .toBuffer();
  await add('canon', 'canon.jpg', exif, {
    'meta_dynamic[0][version]': JSON.stringify({ text: 'v2' }),
    'meta_dynamic[0][subject_area]': JSON.stringify({ x: 2, y: 3, width: 10, height: 10 }),
  });
  const theirs = await upload(
    server,
    'other',
    [{ name: 'beach-day.jpg', bytes: await jpeg(10, 40, 30) }],
    user({ category: 'travel', 'int:rank': 5 }),
  );
  if (theirs.status !== 200) throw new Error(theirs.text);
  return server;
}
