// Storage behind search (issue 4): migration 0004 on a catalog that already
// has images, the per-organization live count kept by triggers, and the bulk
// importImages.

import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseListingQuery } from '../src/http/search-query-params.ts';
import { indexRows } from '../src/images/user-metadata.ts';
import type { ImportedImage } from '../src/storage/catalog/catalog.ts';
import { migrateToLatest } from '../src/storage/catalog/sql/migrate.ts';
import { initial } from '../src/storage/catalog/sql/migrations/0001-initial.ts';
import { userFields } from '../src/storage/catalog/sql/migrations/0002-user-fields.ts';
import { tenancy } from '../src/storage/catalog/sql/migrations/0003-tenancy.ts';
import type { Database } from '../src/storage/catalog/sql/schema.ts';
import { SqlCatalog } from '../src/storage/catalog/sql/sql-catalog.ts';
import { openSqlite } from '../src/storage/catalog/sql/sqlite.ts';
import { newImageRecord } from './fixtures.ts';

function image(n: number, meta: Record<string, unknown> = {}, hash = n.toString(16).padStart(40, 'c')): ImportedImage {
  return {
    ...newImageRecord(hash, {
      name: `Photo ${n}.jpg`,
      size: 100 + n,
      userMetadata: meta,
      dynamicMetadata: { version: { text: `v${n}` } },
      userFieldRows: indexRows(meta),
    }),
    created: new Date(Date.UTC(2020, 0, 1) + n * 1000),
  };
}

async function search(catalog: SqlCatalog, orgId: number, query: Record<string, string>) {
  return catalog.searchImages(orgId, { ...parseListingQuery(query).search, deletedSince: new Date(0) });
}

describe('migration 0004 on existing data', () => {
  it('keeps user fields, fills search terms and the live counts', async () => {
    const { db } = openSqlite(':memory:');
    const before: Record<string, Migration> = {
      '0001-initial': initial('sqlite'),
      '0002-user-fields': userFields('sqlite'),
      '0003-tenancy': tenancy('sqlite'),
    };
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => before },
      migrationTableName: 'origo_migrations',
      migrationLockTableName: 'origo_migration_lock',
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    // Rows as the catalog before search wrote them.
    const anyDb = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    await anyDb
      .insertInto('organizations')
      .values({
        uuid: 'u',
        name: 'old',
        display_name: 'old',
        billing_email: 'x',
        master_organization: 'old',
        options: '{}',
        created: 0,
      })
      .execute();
    for (let n = 1; n <= 3; n++) {
      const hash = `${n}${'e'.repeat(39)}`;
      await anyDb
        .insertInto('images')
        .values({
          org_id: 1,
          hash,
          short_hash: hash.slice(0, 6),
          binary_hash: hash,
          blob_key: hash,
          name: `Old Beach ${n}.jpg`,
          format: 'jpg',
          mimetype: 'image/jpeg',
          size: 1,
          width: 1,
          height: 1,
          opaque: 1,
          animated: 0,
          created: n,
          deleted_at: n === 3 ? 5 : null,
          user_metadata: JSON.stringify({ 'int:rank': n }),
          dynamic_metadata: '{}',
          static_metadata: JSON.stringify({ exif: { Image: { Make: 'Canon' } } }),
        })
        .execute();
      await anyDb
        .insertInto('user_fields')
        .values({ image_id: n, org_id: 1, name: 'rank', type: 'int', seq: 0, str: null, num: n })
        .execute();
    }

    await migrateToLatest(db as Kysely<Database>, 'sqlite');
    const catalog = new SqlCatalog(db as Kysely<Database>, 'sqlite');
    expect(await db.selectFrom('org_image_counts').selectAll().execute()).toEqual([{ org_id: 1, live: 2 }]);
    expect((await search(catalog, 1, { 'user:int:rank': '[1,3]' })).total).toBe(2);
    expect((await search(catalog, 1, { name_text: 'beach' })).total).toBe(2);
    expect((await search(catalog, 1, { 'static:str:exif:Make': 'Canon' })).total).toBe(2);
    expect((await search(catalog, 1, { deleted: 'true', name_text: 'old' })).total).toBe(1);
    const { rows } = await sql<{ n: number }>`select count(*) as n from user_fields`.execute(db);
    expect(rows[0]!.n).toBe(3);
    await catalog.close();
  });
});

describe('the live count', () => {
  it('follows inserts, soft deletes, restores and purges in every path', async () => {
    const { db } = openSqlite(':memory:');
    await migrateToLatest(db, 'sqlite');
    const catalog = new SqlCatalog(db, 'sqlite');
    const org = await catalog.createOrganization(
      { name: 'c', displayName: 'c', billingEmail: 'x', masterOrganization: 'c' },
      new Date(),
    );
    const total = async () => (await search(catalog, org.id, { limit: '0' })).total;
    const counted = async () => (await search(catalog, org.id, { limit: '0', 'user:x': '*' })).total;

    await catalog.importImages(
      org.id,
      [1, 2, 3, 4].map((n) => image(n, { x: 'y' })),
    );
    await catalog.saveUploadedImages(org.id, [image(5, { x: 'y' })], new Date(), (m) => ({
      metadata: m,
      rows: indexRows(m),
    }));
    expect(await total()).toBe(5);
    expect(await catalog.softDelete(org.id, image(1).hash, new Date(1000))).toBe('ok');
    await catalog.softDeleteByBinaryHash(org.id, image(2).hash, new Date(1000));
    expect(await total()).toBe(3);
    await catalog.restore(org.id, image(1).hash, new Date(0));
    expect(await total()).toBe(4);
    // Uploading the bytes of a deleted image restores it.
    await catalog.saveUploadedImages(org.id, [image(2, { x: 'y' })], new Date(), (m) => ({
      metadata: m,
      rows: indexRows(m),
    }));
    expect(await total()).toBe(5);
    await catalog.softDelete(org.id, image(3).hash, new Date(1000));
    expect((await catalog.purgeDeletedBefore(new Date(2000), 10)).map((p) => p.hash)).toEqual([image(3).hash]);
    expect(await total()).toBe(4);
    expect(await counted()).toBe(4);
    await catalog.close();
  });
});

describe('importImages', () => {
  it('inserts new hashes only, gives unique short hashes and indexes everything', async () => {
    const { db } = openSqlite(':memory:');
    await migrateToLatest(db, 'sqlite');
    const catalog = new SqlCatalog(db, 'sqlite');
    const org = await catalog.createOrganization(
      { name: 'i', displayName: 'i', billingEmail: 'x', masterOrganization: 'i' },
      new Date(),
    );
    // Hashes sharing their first 6 (and 7) characters with each other and with an existing image.
    const prefixed = (n: number, prefix: string) =>
      image(n, { 'array:tags': ['a'] }, `${prefix}${n.toString(16).padStart(40 - prefix.length, '0')}`);
    await catalog.saveUploadedImages(org.id, [prefixed(100, 'abcdef1')], new Date(), (m) => ({
      metadata: m,
      rows: indexRows(m),
    }));
    const batch = [
      prefixed(1, 'abcdef1'),
      prefixed(2, 'abcdef1'),
      prefixed(3, 'abcde'),
      prefixed(4, '123456'),
      prefixed(100, 'abcdef1'),
      prefixed(4, '123456'),
    ];
    expect(await catalog.importImages(org.id, batch)).toBe(4);
    const rows = await db.selectFrom('images').select(['hash', 'short_hash']).where('org_id', '=', org.id).execute();
    expect(rows).toHaveLength(5);
    const shorts = rows.map((r) => r.short_hash);
    expect(new Set(shorts).size).toBe(5);
    for (const r of rows) {
      expect(r.hash.startsWith(r.short_hash)).toBe(true);
      // No other hash starts with a short hash that was free when given out, nor equals another's.
      expect(rows.filter((o) => o.hash !== r.hash && o.short_hash === r.short_hash)).toEqual([]);
    }
    expect(rows.find((r) => r.hash.startsWith('123456'))!.short_hash).toBe('123456');
    expect((await search(catalog, org.id, { 'user:array:tags': 'a' })).total).toBe(5);
    expect((await search(catalog, org.id, { name_text: 'photo' })).total).toBe(5);
    expect((await search(catalog, org.id, { 'dynamic:str:version:text': 'v3' })).total).toBe(1);
    expect((await search(catalog, org.id, { limit: '0' })).total).toBe(5);
    // Each image is findable by its short hash.
    for (const r of rows) expect((await catalog.findImage(org.id, r.short_hash, false))?.hash).toBe(r.hash);
    await catalog.close();
  });
});
