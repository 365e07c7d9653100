// What the move tests share: a source organization on a real origo filled
// with images of every kind moving must keep (user metadata of several types,
// dynamic metadata, protected, locked), and a check that an image arrived
// with the same fields, written out rather than taken from the code under test.

import { expect } from 'vitest';
import { api, createOrg, form, ROOT_KEY, sha1, type TestServer, uniquePng } from '../../server/test/helpers.ts';
import { OrigoClient } from '../src/client.ts';
import { endpointFromClient, type MoveEndpoint } from '../src/move/index.ts';

export interface SeededImage {
  hash: string;
  bytes: Buffer;
}

/** The fields that must come out equal after a move (everything but times, short hashes and the org). */
export const MOVED_FIELDS = [
  'hash',
  'binary_hash',
  'name',
  'format',
  'mimetype',
  'size',
  'width',
  'height',
  'user_metadata',
  'dynamic_metadata',
  'protected',
  'locked',
] as const;

async function uploadOne(server: TestServer, org: string, name: string, bytes: Buffer, fields: Record<string, string>) {
  const res = await api(server, 'POST', `/sourceimages/${org}`, { body: form([{ name, bytes }], fields) });
  if (res.status !== 200) throw new Error(`upload ${name}: ${res.status} ${res.text}`);
  return res.json.items[0] as { hash: string };
}

/**
 * Creates `org` on `server` with five images: plain with user metadata, one
 * with a subject area and a version, one protected, one locked, one
 * protected and locked with a crop area; plus `plain` more without metadata.
 */
export async function seedSource(server: TestServer, org: string, plain = 0): Promise<SeededImage[]> {
  await createOrg(server, org);
  const seeded: SeededImage[] = [];
  const add = async (seed: number, name: string, fields: Record<string, string>) => {
    const bytes = await uniquePng(seed);
    seeded.push({ hash: (await uploadOne(server, org, name, bytes, fields)).hash, bytes });
  };
  await add(1, 'beach day.png', {
    'meta_user[0]': JSON.stringify({
      category: 'holiday',
      'int:rank': 7,
      'array:tags': ['sea', 'sun'],
      'date:taken': '2024-06-01T10:00:00Z',
      'double:score': 0.5,
    }),
  });
  await add(2, 'portrait.png', {
    'meta_user[0]': JSON.stringify({ category: 'people' }),
    'meta_dynamic[0]': JSON.stringify({
      subject_area: { x: 10, y: 5, width: 20, height: 30 },
      version: { text: 'v2' },
    }),
  });
  await add(3, 'secret.png', { 'options[0]': JSON.stringify({ protected: true }) });
  const locked = await uploadOne(server, org, 'kept.png', await uniquePng(4), {
    'meta_user[0]': JSON.stringify({ category: 'holiday' }),
  });
  seeded.push({ hash: locked.hash, bytes: await uniquePng(4) });
  await lock(server, org, locked.hash);
  const both = await uploadOne(server, org, 'vault.png', await uniquePng(5), {
    'meta_dynamic[0]': JSON.stringify({ crop_area: { x: 0, y: 0, width: 50, height: 50 } }),
    'options[0]': JSON.stringify({ protected: true }),
  });
  seeded.push({ hash: both.hash, bytes: await uniquePng(5) });
  await lock(server, org, both.hash);
  for (let i = 0; i < plain; i++) await add(100 + i, `plain-${i}.png`, {});
  return seeded;
}

async function lock(server: TestServer, org: string, hash: string): Promise<void> {
  const res = await api(server, 'PUT', `/sourceimages/${org}/${hash}/options/locked`, { body: 'true' });
  if (res.status !== 200) throw new Error(`lock ${hash}: ${res.status} ${res.text}`);
}

/** Every image of `org`, keyed by hash (at most 2000: the tests stay far below). */
export async function imagesOf(server: TestServer, org: string): Promise<Map<string, Record<string, unknown>>> {
  const res = await api(server, 'GET', `/sourceimages/${org}?limit=2000`);
  if (res.status !== 200) throw new Error(`list ${org}: ${res.status} ${res.text}`);
  return new Map(res.json.items.map((i: Record<string, unknown> & { hash: string }) => [i.hash, i]));
}

/** The fields of MOVED_FIELDS of an image, user and dynamic metadata as `{}` when absent. */
export function movedFields(image: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of MOVED_FIELDS) fields[field] = image[field];
  fields['user_metadata'] ??= {};
  fields['dynamic_metadata'] ??= {};
  return fields;
}

/** Every image of `from`/`fromOrg` is in `to`/`toOrg` with equal fields and the same bytes. */
export async function expectSameImages(from: TestServer, fromOrg: string, to: TestServer, toOrg: string) {
  const source = await imagesOf(from, fromOrg);
  const target = await imagesOf(to, toOrg);
  expect([...target.keys()].sort()).toEqual([...source.keys()].sort());
  for (const [hash, image] of source) {
    expect(movedFields(target.get(hash)!), hash).toEqual(movedFields(image));
    const res = await fetch(`${to.url}/sourceimages/${toOrg}/${hash}/download`, {
      headers: { 'api-key': ROOT_KEY },
    });
    expect(sha1(Buffer.from(await res.arrayBuffer()))).toBe(image['binary_hash']);
  }
}

/** The move port over the SDK, for a server at `url`. */
export function endpointFor(url: string, key = ROOT_KEY): MoveEndpoint {
  return endpointFromClient(new OrigoClient({ url, apiKey: key }));
}
