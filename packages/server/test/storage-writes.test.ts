// The write path of the embedded catalog as openStorage builds it (issue 3's
// speed work): group commit of concurrent writes, the index rows kept equal
// to the metadata when only some of them change, and the read cache dropping
// exactly the images a write changed.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexRows, mergeUserMetadata } from '../src/images/user-metadata.ts';
import type { Catalog, NewImage, Organization } from '../src/storage/catalog/catalog.ts';
import { closeStorage, openStorage, type Storage } from '../src/storage/index.ts';
import { indexRowsOf } from './catalog-rows.ts';
import { newImageRecord } from './fixtures.ts';

function newImage(n: number, meta: Record<string, unknown> = {}): NewImage {
  return newImageRecord(n.toString(16).padStart(40, 'a'), {
    name: `photo-${n}.jpg`,
    userMetadata: meta,
    userFieldRows: indexRows(meta),
  });
}

let dir: string;
let storage: Storage;
let catalog: Catalog;
let org: Organization;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'origo-writes-'));
  storage = await openStorage({ dataDir: dir, sqliteDurability: 'full' });
  catalog = storage.catalog;
  org = await catalog.createOrganization(
    { name: 'acme', displayName: 'Acme', billingEmail: 'a@example.com', masterOrganization: 'acme' },
    new Date(),
  );
});

afterEach(async () => {
  await closeStorage(storage);
  rmSync(dir, { recursive: true, force: true });
});

async function save(...images: NewImage[]) {
  return catalog.saveUploadedImages(org.id, images, new Date(), (existing) => ({
    metadata: existing,
    rows: indexRows(existing),
  }));
}

// As the service does: the rows of the current metadata are given as `previous`.
const patch = (hash: string, body: Record<string, unknown>) =>
  catalog.updateUserMetadata(org.id, hash, (current) => {
    const metadata = mergeUserMetadata(current, body);
    return { metadata, rows: indexRows(metadata), previous: indexRows(current) };
  });

/** Runs SQL on the database file behind the catalog's back. */
function tamper(sqlText: string, ...params: unknown[]) {
  const db = new BetterSqlite3(path.join(dir, 'origo.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(sqlText).run(...params);
  } finally {
    db.close();
  }
}

/** The index rows on disk, read with a separate connection. */
const storedRows = (hash: string) => indexRowsOf({ dataDir: dir }, 'acme', hash);

const sorted = (rows: ReturnType<typeof indexRows>) =>
  [...rows].sort((a, b) => (a.name === b.name ? a.seq - b.seq : a.name < b.name ? -1 : 1)).map((r) => ({ ...r }));

describe('index rows after partial changes', () => {
  it('equal the rows of the whole new metadata after each kind of change', async () => {
    const [saved] = await save(
      newImage(1, { title: 'Beach', 'array:tags': ['a', 'b', 'c'], 'text:caption': 'waves on sand', 'int:rank': 1 }),
    );
    const hash = saved!.image.hash;
    const steps: Record<string, unknown>[] = [
      { 'int:rank': 2 }, // one value changes
      { 'array:tags': ['a', 'b'] }, // an element goes away
      { 'array:tags': ['a', 'b', 'c', 'd'] }, // elements come
      { 'text:caption': 'waves on rocks', title: null }, // a token changes, a field goes
      { 'double:rank': 2.5 }, // same name, other type
      { 'text:caption': 'something else entirely with many more words than before' }, // most rows change
      { 'text:caption': null, 'double:rank': null, 'array:tags': null }, // everything goes
    ];
    for (const step of steps) {
      const result = await patch(hash, step);
      if (typeof result === 'string') throw new Error(result);
      expect(result).toEqual((await catalog.findImage(org.id, hash, false))!.userMetadata);
      expect(await storedRows(hash)).toEqual(sorted(indexRows(result)));
    }
    expect(await storedRows(hash)).toEqual([]);
  });
});

describe('index rows that drifted from the metadata', () => {
  it('are brought back by the next change: a missing row, an extra row, a row under another name', async () => {
    const meta = { title: 'Beach', 'array:tags': ['a', 'b', 'c'], 'int:rank': 1 };
    const [saved] = await save(newImage(1, meta));
    const hash = saved!.image.hash;
    const id = saved!.image.id;

    tamper("delete from user_fields where image_id = ? and name = 'tags' and seq = 2", id);
    await patch(hash, { 'int:rank': 2 });
    expect(await storedRows(hash)).toEqual(sorted(indexRows({ ...meta, 'int:rank': 2 })));

    tamper(
      "insert into user_fields (image_id, org_id, name, type, seq, str, num) values (?, ?, 'stale', 'str', 0, 'x', null)",
      id,
      org.id,
    );
    await patch(hash, { 'int:rank': 3 });
    expect(await storedRows(hash)).toEqual(sorted(indexRows({ ...meta, 'int:rank': 3 })));

    // Same count, but the title row sits under another name: setting title must still index it.
    tamper("update user_fields set name = 'elsewhere' where image_id = ? and name = 'title'", id);
    const result = await patch(hash, { title: 'Dunes' });
    expect(result).toEqual({ title: 'Dunes', 'array:tags': ['a', 'b', 'c'], 'int:rank': 3 });
    expect(await storedRows(hash)).toContainEqual({ name: 'title', type: 'str', seq: 0, str: 'Dunes', num: null });
  });
});

describe('group commit', () => {
  it('commits concurrent writes together, each with its own outcome', async () => {
    const saved = await save(...Array.from({ length: 20 }, (_, i) => newImage(i)));
    const hashes = saved.map((s) => s.image.hash);
    // Saves image 50, then finds that image 0's hash has other bytes and throws: the job must leave nothing.
    const collision = { ...newImage(0), blobKey: 'other-bytes' };
    const results = await Promise.allSettled([
      ...hashes.map((hash, i) => patch(hash, { 'int:n': i })),
      patch(hashes[0]!, { 'int:bad': 'x' }), // throws before writing
      save(newImage(50), collision), // throws after writing
      patch('f'.repeat(40), { 'int:n': 1 }), // no such image
    ]);
    expect(results.slice(0, 20).every((r) => r.status === 'fulfilled' && typeof r.value !== 'string')).toBe(true);
    expect(results[20]!.status).toBe('rejected');
    expect(results[21]).toMatchObject({ status: 'rejected', reason: { name: 'HashCollisionError' } });
    expect(results[22]).toEqual({ status: 'fulfilled', value: 'not_found' });
    expect(await catalog.findImage(org.id, newImage(50).hash, true)).toBeUndefined();

    // On disk (another connection), every good write and nothing of the bad one.
    for (const [i, hash] of hashes.entries()) {
      expect(await storedRows(hash)).toEqual([{ name: 'n', type: 'int', seq: 0, str: null, num: i }]);
      expect((await catalog.findImage(org.id, hash, false))!.userMetadata).toEqual({ 'int:n': i });
    }
  });

  it('lets later writes in a batch see earlier ones (as if run one by one)', async () => {
    const [saved] = await save(newImage(1));
    const hash = saved!.image.hash;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => patch(hash, { [`f${i}`]: `v${i}` })));
    const last = results[9];
    if (typeof last === 'string' || !last) throw new Error(String(last));
    expect(Object.keys(last).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`).sort());
  });
});

describe('read cache', () => {
  it('shows every write at once, also to lookups by short hash and of deleted images', async () => {
    const [a, b] = await save(newImage(1, { title: 'A' }), newImage(2, { title: 'B' }));
    const ha = a!.image.hash;
    const hb = b!.image.hash;
    const shortOf = new Map([a!.image, b!.image].map((i) => [i.hash, i.shortHash]));
    const look = async (hash: string) => ({
      live: await catalog.findImage(org.id, hash, false),
      any: await catalog.findImage(org.id, hash, true),
      short: await catalog.findImage(org.id, shortOf.get(hash)!, true),
    });
    await look(ha); // fills the cache
    await look(hb);

    await patch(ha, { title: 'A2' });
    expect((await look(ha)).live!.userMetadata).toEqual({ title: 'A2' });
    expect((await look(ha)).short!.userMetadata).toEqual({ title: 'A2' });
    expect((await look(hb)).live!.userMetadata).toEqual({ title: 'B' });

    await catalog.softDelete(org.id, hb, new Date());
    expect((await look(hb)).live).toBeUndefined();
    expect((await look(hb)).any!.deletedAt).not.toBeNull();
    await catalog.restore(org.id, hb, new Date(0));
    expect((await look(hb)).live!.deletedAt).toBeNull();

    await catalog.rename(org.id, ha, 'renamed.jpg');
    expect((await look(ha)).short!.name).toBe('renamed.jpg');
    await catalog.setLocked(org.id, ha, true);
    expect((await look(ha)).live!.locked).toBe(true);
    await catalog.setDynamicMetadataInPlace(org.id, hb, { version: { text: 'v2' } });
    expect((await look(hb)).any!.dynamicMetadata).toEqual({ version: { text: 'v2' } });

    // A derived image that deletes its source, then is made again from a restored source.
    const target = { hash: 'd'.repeat(40), dynamicMetadata: { version: { text: 'v3' } }, protected: false };
    await catalog.deriveImage(org.id, hb, target, { deletePrevious: true, now: new Date() });
    expect((await look(hb)).live).toBeUndefined();
    expect((await catalog.findImage(org.id, target.hash, false))!.dynamicMetadata).toEqual({ version: { text: 'v3' } });
  });

  it('does not remember a miss: an image uploaded after a failed lookup is found', async () => {
    const image = newImage(7);
    expect(await catalog.findImage(org.id, image.hash, false)).toBeUndefined();
    expect(await catalog.findImage(org.id, image.hash.slice(0, 6), false)).toBeUndefined();
    await save(image);
    expect((await catalog.findImage(org.id, image.hash, false))?.hash).toBe(image.hash);
    expect((await catalog.findImage(org.id, image.hash.slice(0, 6), false))?.hash).toBe(image.hash);
  });

  it('shows a copy in the destination organization', async () => {
    const [a] = await save(newImage(1, { title: 'A' }));
    const other = await catalog.createOrganization(
      { name: 'other', displayName: 'Other', billingEmail: 'o@example.com', masterOrganization: 'other' },
      new Date(),
    );
    await catalog.copyImage(org.id, a!.image.hash, other.id, { overwrite: false, now: new Date() });
    await patch(a!.image.hash, { title: 'A2' });
    await catalog.findImage(other.id, a!.image.hash, false); // cached copy with title A
    await catalog.copyImage(org.id, a!.image.hash, other.id, { overwrite: true, now: new Date() });
    expect((await catalog.findImage(other.id, a!.image.hash, false))!.userMetadata).toEqual({ title: 'A2' });
  });
});
