// The catalog and accounts contract, run over every backend openStorage can
// choose: the embedded SQLite always, PostgreSQL when ORIGO_TEST_DATABASE_URL
// names a server (`npm run test:scale-out`), each test on a fresh database.

import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseListingQuery } from '../../src/http/search-query-params.ts';
import { indexRows } from '../../src/images/user-metadata.ts';
import {
  type Catalog,
  HashCollisionError,
  type NewImage,
  type Organization,
  OrganizationExistsError,
} from '../../src/storage/catalog/catalog.ts';
import { newImageRecord } from '../fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../pg-database.ts';
import { type Backend, openBackend } from './backends.ts';

type Factory = () => Promise<Backend>;

const sqliteFactory: Factory = () => openBackend();

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];
const postgresFactory: Factory = async () => {
  const database = await createTestDatabase(adminUrl!);
  return openBackend(database.url, database.drop);
};

const hashOf = (first: string, n: number) =>
  `${first}${n.toString(16).padStart(39 - first.length + 1, '0')}`.slice(0, 40);

function image(hash: string, overrides: Partial<NewImage> = {}): NewImage {
  const meta = (overrides.userMetadata ?? {}) as Record<string, unknown>;
  return newImageRecord(hash, { userFieldRows: indexRows(meta), ...overrides });
}

const keepIncoming = (existing: Record<string, unknown>, incoming: NewImage) => {
  const metadata = { ...existing, ...incoming.userMetadata };
  return { metadata, rows: indexRows(metadata) };
};

function conformance(name: string, factory: Factory) {
  describe(name, () => {
    let backend: Backend;
    let catalog: Catalog;
    let org: Organization;
    const t0 = new Date(Date.UTC(2026, 0, 1));

    beforeEach(async () => {
      backend = await factory();
      catalog = backend.catalog;
      org = await catalog.createOrganization(
        { name: 'acme', displayName: 'Acme', billingEmail: 'a@example.com', masterOrganization: 'acme' },
        t0,
      );
    });
    afterEach(async () => {
      await backend.close();
    });

    const save = (...images: NewImage[]) => catalog.saveUploadedImages(org.id, images, t0, keepIncoming);
    const search = (query: Record<string, string>) =>
      catalog.searchImages(org.id, { ...parseListingQuery(query).search, deletedSince: new Date(0) });

    it('creates and finds organizations, refusing a taken name', async () => {
      expect(org).toMatchObject({
        name: 'acme',
        displayName: 'Acme',
        billingEmail: 'a@example.com',
        masterOrganization: 'acme',
        created: t0,
      });
      expect(typeof org.id).toBe('number');
      expect(await catalog.findOrganization('acme')).toEqual(org);
      expect(await catalog.findOrganization('nobody')).toBeUndefined();
      await expect(
        catalog.createOrganization(
          { name: 'acme', displayName: 'x', billingEmail: 'x@example.com', masterOrganization: 'acme' },
          t0,
        ),
      ).rejects.toBeInstanceOf(OrganizationExistsError);
    });

    it('saves uploads, finds them by full and short hash, and merges a re-upload', async () => {
      const a = 'a'.repeat(40);
      const [first] = await save(
        image(a, { name: 'one.jpg', size: 123, width: 30, height: 20, userMetadata: { title: 'x', 'int:rank': 1 } }),
      );
      expect(first!.created).toBe(true);
      expect(first!.image).toMatchObject({
        hash: a,
        shortHash: 'aaaaaa',
        name: 'one.jpg',
        size: 123,
        width: 30,
        height: 20,
        created: t0,
        deletedAt: null,
        locked: false,
      });
      expect((await catalog.findImage(org.id, a, false))!.name).toBe('one.jpg');
      expect((await catalog.findImage(org.id, 'aaaaaa', false))!.hash).toBe(a);
      expect(await catalog.findImage(org.id, 'bbbbbb', false)).toBeUndefined();

      const [again] = await save(image(a, { name: 'other.jpg', userMetadata: { 'int:rank': 2, extra: 'y' } }));
      expect(again!.created).toBe(false);
      expect(again!.image.userMetadata).toEqual({ title: 'x', 'int:rank': 2, extra: 'y' });
      expect(again!.image.name).toBe('one.jpg');
      expect((await search({ 'user:int:rank': '2' })).items.map((i) => i.hash)).toEqual([a]);
      expect((await search({ 'user:int:rank': '1' })).total).toBe(0);

      await expect(save(image(a, { blobKey: 'another-blob' }))).rejects.toBeInstanceOf(HashCollisionError);
    });

    it('gives a longer short hash when the 6-character prefix is taken', async () => {
      const a = `abcdef1${'0'.repeat(33)}`;
      const b = `abcdef2${'0'.repeat(33)}`;
      const saved = await save(image(a), image(b));
      expect(saved.map((s) => s.image.shortHash)).toEqual(['abcdef', 'abcdef2']);
      expect((await catalog.findImage(org.id, 'abcdef', false))!.hash).toBe(a);
      expect((await catalog.findImage(org.id, 'abcdef2', false))!.hash).toBe(b);
    });

    it('updates user metadata, unless the image is gone or locked', async () => {
      const a = 'a'.repeat(40);
      await save(image(a, { userMetadata: { title: 'old' } }));
      const result = await catalog.updateUserMetadata(org.id, a, (current) => {
        const metadata = { ...current, title: 'new', 'array:tags': ['p', 'q'] };
        return { metadata, rows: indexRows(metadata), previous: indexRows(current) };
      });
      expect(result).toEqual({ title: 'new', 'array:tags': ['p', 'q'] });
      expect((await catalog.findImage(org.id, a, false))!.userMetadata).toEqual({
        title: 'new',
        'array:tags': ['p', 'q'],
      });
      expect((await search({ 'user:array:tags': 'q' })).total).toBe(1);
      expect((await search({ 'user:str:title': 'old' })).total).toBe(0);
      const noop = (current: Record<string, unknown>) => ({ metadata: current, rows: indexRows(current) });
      expect(await catalog.updateUserMetadata(org.id, 'f'.repeat(40), noop)).toBe('not_found');
      await catalog.setLocked(org.id, a, true);
      expect(await catalog.updateUserMetadata(org.id, a, noop)).toBe('locked');
    });

    it('soft deletes and restores, within the restore window only', async () => {
      const a = 'a'.repeat(40);
      await save(image(a));
      const deletedAt = new Date(t0.getTime() + 1000);
      expect(await catalog.softDelete(org.id, a, deletedAt)).toBe('ok');
      expect(await catalog.softDelete(org.id, a, deletedAt)).toBe('not_found');
      expect(await catalog.findImage(org.id, a, false)).toBeUndefined();
      expect((await catalog.findImage(org.id, 'aaaaaa', true))!.deletedAt).toEqual(deletedAt);
      expect((await search({})).total).toBe(0);
      expect((await search({ deleted: 'true' })).total).toBe(1);
      expect(await catalog.restore(org.id, a, new Date(deletedAt.getTime() + 1))).toBeUndefined();
      expect((await catalog.restore(org.id, a, deletedAt))!.deletedAt).toBeNull();
      expect((await search({})).total).toBe(1);
      // A re-upload of a deleted image brings it back.
      await catalog.softDelete(org.id, a, deletedAt);
      const [back] = await save(image(a));
      expect(back!.image.deletedAt).toBeNull();
      expect((await search({})).total).toBe(1);
    });

    it('renames and locks live images', async () => {
      const a = 'a'.repeat(40);
      await save(image(a, { name: 'before.jpg' }));
      expect((await catalog.rename(org.id, a, 'after sunset.jpg'))!.name).toBe('after sunset.jpg');
      expect((await search({ name_text: 'sunset' })).total).toBe(1);
      expect((await search({ name_text: 'before' })).total).toBe(0);
      expect((await catalog.setLocked(org.id, a, true))!.locked).toBe(true);
      expect(await catalog.softDelete(org.id, a, t0)).toBe('locked');
      expect((await catalog.setLocked(org.id, a, false))!.locked).toBe(false);
      expect(await catalog.softDelete(org.id, a, t0)).toBe('ok');
      expect(await catalog.rename(org.id, a, 'x.jpg')).toBeUndefined();
    });

    it('searches with a filter and sorts text by bytes, with cursors and facets', async () => {
      const names = ['b.jpg', 'B.jpg', '_.jpg', 'a.jpg', 'Z.jpg'];
      await save(
        ...names.map((name, n) =>
          image(hashOf('1', n), {
            name,
            size: 100 + n,
            userMetadata: { 'int:rank': n, 'array:tags': n % 2 === 0 ? ['even'] : ['odd'] },
          }),
        ),
      );
      const all = await search({ sort: 'name' });
      expect(all.total).toBe(5);
      expect(all.items.map((i) => i.name)).toEqual(['B.jpg', 'Z.jpg', '_.jpg', 'a.jpg', 'b.jpg']);
      const filtered = await search({ 'user:int:rank': '[1,4]', sort: 'name desc', facets: 'user:array:tags' });
      expect(filtered.total).toBe(4);
      expect(filtered.items.map((i) => i.name)).toEqual(['a.jpg', '_.jpg', 'Z.jpg', 'B.jpg']);
      expect(filtered.facets).toEqual([
        {
          key: 'user:array:tags',
          values: [
            { value: 'even', count: 2 },
            { value: 'odd', count: 2 },
          ],
        },
      ]);
      const bySize = await search({ size: '[101,103]', sort: 'size desc', limit: '2' });
      expect(bySize.items.map((i) => i.size)).toEqual([103, 102]);
      expect(bySize.hasMore).toBe(true);
    });

    it('finds live images by binary hash, newest first', async () => {
      const shared = 'e'.repeat(40);
      await catalog.saveUploadedImages(org.id, [image(hashOf('2', 1), { binaryHash: shared })], t0, keepIncoming);
      await catalog.saveUploadedImages(
        org.id,
        [image(hashOf('2', 2), { binaryHash: shared })],
        new Date(t0.getTime() + 5000),
        keepIncoming,
      );
      await save(image(hashOf('2', 3)));
      const found = await catalog.findByBinaryHash(org.id, shared, { limit: 10, offset: 0 });
      expect(found.total).toBe(2);
      expect(found.items.map((i) => i.hash)).toEqual([hashOf('2', 2), hashOf('2', 1)]);
      expect(
        (await catalog.findByBinaryHash(org.id, shared, { limit: 1, offset: 1 })).items.map((i) => i.hash),
      ).toEqual([hashOf('2', 1)]);
      await catalog.softDelete(org.id, hashOf('2', 2), t0);
      expect((await catalog.findByBinaryHash(org.id, shared, { limit: 10, offset: 0 })).total).toBe(1);
    });

    it('purges images deleted before the cutoff and reports the blobs still in use', async () => {
      const [a, b, c] = [hashOf('3', 1), hashOf('3', 2), hashOf('3', 3)];
      await save(image(a, { blobKey: 'blob-a' }), image(b, { blobKey: 'blob-b' }), image(c, { blobKey: 'blob-c' }));
      await catalog.softDelete(org.id, a, new Date(t0.getTime() + 1000));
      await catalog.softDelete(org.id, b, new Date(t0.getTime() + 9000));
      expect(await catalog.purgeDeletedBefore(new Date(t0.getTime() + 5000), 100)).toEqual([
        { orgName: 'acme', hash: a },
      ]);
      expect(await catalog.findImage(org.id, a, true)).toBeUndefined();
      expect((await catalog.findImage(org.id, b, true))!.deletedAt).not.toBeNull();
      expect([...(await catalog.blobKeysInUse(['blob-a', 'blob-b', 'blob-c', 'blob-x']))].sort()).toEqual([
        'blob-b',
        'blob-c',
      ]);
      const users = await catalog.blobUsers(undefined, 10);
      expect(users.map((u) => u.key)).toEqual(['blob-b', 'blob-c']);
      expect(users[0]!.images).toEqual([{ orgName: 'acme', hash: b, size: 100, deleted: true }]);
      expect(await catalog.purgeDeletedBefore(new Date(t0.getTime() + 10_000), 100)).toEqual([
        { orgName: 'acme', hash: b },
      ]);
      expect((await search({})).total).toBe(1);
    });

    // Racing writers (several connections on PostgreSQL; SQLite's batches
    // serialize them) must end as a serial run would: one image per hash,
    // the documented merge, unique short hashes, an exact live count.
    it('keeps one image per hash and an exact live count under concurrent saves', async () => {
      const same = 'd'.repeat(40);
      const distinct = Array.from({ length: 10 }, (_, n) => `${(n + 5).toString(16)}${'7'.repeat(39)}`);
      const saves = await Promise.all([
        ...Array.from({ length: 30 }, (_, n) => save(image(same, { userMetadata: { [`k${n}`]: 'v' } }))),
        ...distinct.map((hash) => save(image(hash))),
      ]);
      expect(saves.slice(0, 30).filter(([s]) => s!.created).length).toBe(1);
      const merged = (await catalog.findImage(org.id, 'dddddd', false))!;
      expect(Object.keys(merged.userMetadata).sort()).toEqual(Array.from({ length: 30 }, (_, n) => `k${n}`).sort());
      expect((await search({})).total).toBe(11);
      expect((await search({ limit: '100' })).items.length).toBe(11);
    });

    it('gives unique short hashes to concurrent saves that share a prefix', async () => {
      const hashes = Array.from({ length: 6 }, (_, n) => `abcdef${n}${'0'.repeat(33)}`);
      const saved = await Promise.all(hashes.map((hash) => save(image(hash))));
      const shortHashes = saved.map(([s]) => s!.image.shortHash);
      expect(new Set(shortHashes).size).toBe(6);
      for (const [n, hash] of hashes.entries()) {
        expect(hash.startsWith(shortHashes[n]!)).toBe(true);
        expect((await catalog.findImage(org.id, shortHashes[n]!, false))!.hash).toBe(hash);
      }
      // One of them keeps the 6-character prefix, the others need a seventh.
      expect(shortHashes.filter((h) => h === 'abcdef').length).toBe(1);
      expect(shortHashes.filter((h) => h.length === 7).length).toBe(5);
      expect((await search({})).total).toBe(6);
    });

    it('creates users, keys and memberships and finds them by key digest', async () => {
      const { accounts } = backend;
      const digest = 'ab'.repeat(32);
      const made = await accounts.createAccount(
        {
          email: 'u@example.com',
          keyDigest: digest,
          keyComment: 'first',
          membership: { orgId: org.id, roles: ['upload'], comment: 'c' },
        },
        t0,
      );
      expect(made.user.email).toBe('u@example.com');
      const found = await accounts.findKeyByDigest(digest);
      expect(found!.user.id).toBe(made.user.id);
      expect(found!.key).toMatchObject({ id: made.key.id, comment: 'first', created: t0 });
      expect(await accounts.findKeyByDigest('cd'.repeat(32))).toBeUndefined();
      expect((await accounts.findMembership(org.id, made.user.id))!.roles).toEqual(['upload']);
      expect((await accounts.listMembershipsOfUser(made.user.id)).map((m) => m.orgId)).toEqual([org.id]);
      const second = await accounts.addKey(made.user.id, 'ef'.repeat(32), null, t0, 2);
      expect(second).not.toBe('too_many');
      expect(await accounts.addKey(made.user.id, '01'.repeat(32), null, t0, 2)).toBe('too_many');
      expect((await accounts.listKeys(made.user.id)).length).toBe(2);
      expect(await accounts.setting('s', () => 'first')).toBe('first');
      expect(await accounts.setting('s', () => 'second')).toBe('first');
    });
  });
}

conformance('catalog on SQLite', sqliteFactory);
// PostgreSQL exists only under `npm run test:scale-out` (or a developer's own
// server): plain `npm test` must pass on any machine.
describe.skipIf(!adminUrl)('on PostgreSQL from ORIGO_TEST_DATABASE_URL', () => {
  conformance('catalog on PostgreSQL', postgresFactory);

  it('lets two nodes start on one new database at once: one migrates, both work', async () => {
    const database = await createTestDatabase(adminUrl!);
    try {
      const [first, second] = await Promise.all([openBackend(database.url), openBackend(database.url)]);
      try {
        const org = await first.catalog.createOrganization(
          { name: 'acme', displayName: 'Acme', billingEmail: 'a@example.com', masterOrganization: 'acme' },
          new Date(),
        );
        await first.catalog.saveUploadedImages(org.id, [newImageRecord('a'.repeat(40))], new Date(), keepIncoming);
        // No read cache on PostgreSQL: the other node sees the write on its first read.
        expect((await second.catalog.findImage(org.id, 'aaaaaa', false))!.hash).toBe('a'.repeat(40));
      } finally {
        await first.close();
        await second.close();
      }
      const check = new pg.Client({ connectionString: database.url });
      await check.connect();
      try {
        const { rows } = await check.query<{ name: string }>('select name from origo_migrations order by name');
        expect(rows.map((r) => r.name)).toEqual([
          '0001-initial',
          '0002-user-fields',
          '0003-tenancy',
          '0004-search',
          '0005-blob-claims',
          '0006-postgres-search-indexes',
          '0007-rate-buckets',
          '0008-stacks',
        ]);
      } finally {
        await check.end();
      }
    } finally {
      await database.drop();
    }
  });

  // Writers on separate connections (as on separate nodes) that decide at
  // the same instant: a lock taken behind the catalog's back holds every
  // save at its first read of images until all of them wait there, so each
  // sees no row and inserts; the database's unique indexes settle who wins.
  describe('saves that decide at the same instant', () => {
    let database: TestDatabase;
    let backend: Backend;
    let org: Organization;
    const t0 = new Date(Date.UTC(2026, 0, 1));

    beforeEach(async () => {
      database = await createTestDatabase(adminUrl!);
      backend = await openBackend(database.url);
      org = await backend.catalog.createOrganization(
        { name: 'acme', displayName: 'Acme', billingEmail: 'a@example.com', masterOrganization: 'acme' },
        t0,
      );
    });
    afterEach(async () => {
      await backend.close();
      await database.drop();
    });

    async function released<T>(writes: () => Promise<T>[], table = 'images'): Promise<T[]> {
      const blocker = new pg.Client({ connectionString: database.url });
      await blocker.connect();
      try {
        await blocker.query('begin');
        // EXCLUSIVE conflicts with the ROW SHARE lock of SELECT … FOR UPDATE
        // and the ROW EXCLUSIVE one of INSERT, not with plain reads.
        await blocker.query(`lock table ${table} in exclusive mode`);
        const pending = writes();
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { rows } = await blocker.query<{ n: string }>(
            `select count(*) as n from pg_locks l join pg_class c on c.oid = l.relation where c.relname = $1 and not l.granted`,
            [table],
          );
          if (Number(rows[0]!.n) >= pending.length) break;
          if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${pending.length} saves reached the lock`);
        }
        await blocker.query('commit');
        return await Promise.all(pending);
      } finally {
        await blocker.end();
      }
    }

    const save = (image: NewImage) => backend.catalog.saveUploadedImages(org.id, [image], t0, keepIncoming);

    it('make one image of the same bytes and merge the rest into it', async () => {
      const same = 'd'.repeat(40);
      const saves = await released(() =>
        Array.from({ length: 4 }, (_, n) => save(newImageRecord(same, { userMetadata: { [`k${n}`]: 'v' } }))),
      );
      expect(saves.filter(([s]) => s!.created).length).toBe(1);
      const stored = (await backend.catalog.findImage(org.id, 'dddddd', false))!;
      expect(Object.keys(stored.userMetadata).sort()).toEqual(['k0', 'k1', 'k2', 'k3']);
      const total = await backend.catalog.searchImages(org.id, {
        ...parseListingQuery({}).search,
        deletedSince: new Date(0),
      });
      expect(total.total).toBe(1);
    });

    it('let one of several sign-ups for one organization name win, the others told it exists', async () => {
      const outcomes = await released(
        () =>
          Array.from({ length: 3 }, (_, n) =>
            backend.accounts
              .createAccount(
                {
                  email: `u${n}@example.com`,
                  keyDigest: `${n}`.repeat(64),
                  keyComment: null,
                  organization: {
                    name: 'newco',
                    displayName: 'NewCo',
                    billingEmail: 'b@example.com',
                    masterOrganization: 'newco',
                  },
                },
                t0,
              )
              .then(
                () => 'created',
                (err: unknown) => (err instanceof OrganizationExistsError ? 'exists' : String(err)),
              ),
          ),
        'users',
      );
      expect(outcomes.sort()).toEqual(['created', 'exists', 'exists']);
      const winners = await Promise.all(['0', '1', '2'].map((n) => backend.accounts.findKeyByDigest(n.repeat(64))));
      expect(winners.filter((w) => w !== undefined).length).toBe(1);
    });

    it('give unique short hashes to hashes that share a prefix', async () => {
      const hashes = Array.from({ length: 4 }, (_, n) => `abcdef${n}${'0'.repeat(33)}`);
      const saves = await released(() => hashes.map((hash) => save(newImageRecord(hash))));
      const shortHashes = saves.map(([s]) => s!.image.shortHash);
      expect(shortHashes.filter((h) => h === 'abcdef').length).toBe(1);
      expect(shortHashes.filter((h) => h.length === 7).length).toBe(3);
      for (const [n, hash] of hashes.entries())
        expect((await backend.catalog.findImage(org.id, shortHashes[n]!, false))!.hash).toBe(hash);
    });
  });
});
