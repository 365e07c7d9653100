// Search on GET /sourceimages/{org} over HTTP (issue 4), how matches are
// listed: sorting, keyset and offset paging, facets, changes and deleted
// images searchable at once, and every query plan giving the same rows.
// What matches is in search-filters.test.ts.

import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListingQuery } from '../src/http/search-query-params.ts';
import type { SortPosition } from '../src/images/search-query.ts';
import { openPostgres } from '../src/storage/catalog/sql/postgres.ts';
import type { Database } from '../src/storage/catalog/sql/schema.ts';
import { allPlans, type PlanChoice } from '../src/storage/catalog/sql/search/plan.ts';
import { runPlan } from '../src/storage/catalog/sql/search/run.ts';
import type { SearchInput } from '../src/storage/catalog/sql/search/shapes.ts';
import { openSqlite } from '../src/storage/catalog/sql/sqlite.ts';
import { api, type TestServer } from './helpers.ts';
import { get, type Item, img, labels, openShop, sorted, url } from './search-shop.ts';

let server: TestServer;
beforeAll(async () => {
  server = await openShop();
});
afterAll(() => server.close());

describe('sorting', () => {
  const noRank = () =>
    sorted(['quote', 'percent', 'axb', 'a_b', 'plain', 'canon'].map((l) => img[l]!.hash)).map(
      (h) => Object.keys(img).find((l) => img[l]!.hash === h)!,
    );

  it('defaults to created desc', async () => {
    expect(await labels({})).toEqual(['canon', 'plain', 'a_b', 'axb', 'percent', 'quote', 'city', 'night', 'beach']);
  });

  it('sorts by a user field, images without it last in either direction, then by hash', async () => {
    expect(await labels({ sort: 'user:int:rank desc' })).toEqual(['night', 'beach', 'city', ...noRank()]);
    expect(await labels({ sort: 'user:int:rank' })).toEqual(['city', 'beach', 'night', ...noRank()]);
    // Byte order, descending; the two travel images tie and their hashes break the tie.
    const travel = sorted(['beach', 'night'].map((l) => img[l]!.hash)).map((h) =>
      img['beach']!.hash === h ? 'beach' : 'night',
    );
    expect(await labels({ sort: 'user:str:category desc', 'user:category': '*' })).toEqual([
      'city',
      ...travel,
      'quote',
      'axb',
      'a_b',
      'percent',
    ]);
  });

  it('sorts by columns, several keys, spaces as + or %20', async () => {
    const byName = await labels({ sort: 'name' });
    const names = byName.map((l) => img[l]!.name);
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    const res = await api(server, 'GET', '/sourceimages/shop?sort=width+desc,name%20asc&limit=3');
    expect(res.status, res.text).toBe(200);
    expect(res.json.items.map((i: Item) => i.name)).toEqual(['city.jpg', 'beach-day.jpg', '100%_done.jpg']);
  });

  it('ties sort by hash', async () => {
    const travel = await labels({ sort: 'user:str:category', 'user:category': 'travel' });
    expect(travel).toEqual(
      sorted(['beach', 'night'].map((l) => img[l]!.hash)).map((h) => (img['beach']!.hash === h ? 'beach' : 'night')),
    );
  });
});

describe('paging', () => {
  async function walk(params: Record<string, string>, limit: number): Promise<string[]> {
    const byHash = new Map(Object.entries(img).map(([label, item]) => [item.hash, label]));
    const seen: string[] = [];
    let res = await get({ ...params, limit: String(limit) });
    const total = res.json.total;
    for (let pages = 0; pages < 30; pages++) {
      expect(res.json.total).toBe(total);
      expect(typeof res.json.cursor).toBe('string');
      seen.push(...res.json.items.map((i: Item) => byHash.get(i.hash)!));
      if (!res.json.links.next) break;
      expect(res.json.links.next.href).toBe(url({ ...params, limit: String(limit), offset: res.json.cursor }));
      res = await get({ ...params, limit: String(limit), offset: res.json.cursor });
    }
    // Following the last cursor: an empty page that still carries a cursor.
    const end = await get({ ...params, limit: String(limit), offset: res.json.cursor });
    expect(end.json.items).toEqual([]);
    expect(end.json.total).toBe(total);
    expect(typeof end.json.cursor).toBe('string');
    expect(end.json.links).toEqual({});
    return seen;
  }

  it('cursors visit every match once, in order, for any sort', async () => {
    for (const params of [
      {},
      { sort: 'user:int:rank desc' },
      { sort: 'user:str:category,name desc' },
      { sort: 'size desc' },
      { 'user:category': '*', sort: 'user:double:score' },
      { operator: 'or', format: 'jpg', 'user:int:rank': '10', sort: 'name' },
    ] as Record<string, string>[]) {
      const all = await labels(params);
      for (const limit of [1, 2, 4])
        expect(await walk(params, limit), `${JSON.stringify(params)} by ${limit}`).toEqual(all);
    }
  });

  it('pages with numeric offsets and links; limit=0 counts only', async () => {
    const all = await labels({ sort: 'name' });
    const page = await get({ sort: 'name', limit: '3', offset: '3' });
    expect(page.json.items.map((i: Item) => i.hash)).toEqual(all.slice(3, 6).map((l) => img[l]!.hash));
    expect(page.json.cursor).toBeUndefined();
    expect(page.json.links).toEqual({
      next: { href: url({ sort: 'name', limit: '3', offset: '6' }) },
      prev: { href: url({ sort: 'name', limit: '3' }) },
    });
    const zero = await get({ 'user:category': 'travel', limit: '0' });
    expect(zero.json).toMatchObject({ total: 2, items: [] });
  });

  it('refuses a cursor of another search', async () => {
    const first = await get({ 'user:category': 'travel', limit: '1' });
    const res = await api(server, 'GET', url({ 'user:category': 'urban', limit: '1', offset: first.json.cursor }));
    expect(res.status).toBe(400);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_REQUEST_BAD_PARAMETER');
    expect(res.json.message).toContain('different filters');
    const sortChanged = await api(
      server,
      'GET',
      url({ 'user:category': 'travel', sort: 'name', offset: first.json.cursor }),
    );
    expect(sortChanged.status).toBe(400);
  });
});

describe('facets', () => {
  it('counts str and array values over every match, most frequent first, keyed as asked', async () => {
    const res = await get({ facets: 'user:array:tags,user:category', limit: '1' });
    expect(res.json.items).toHaveLength(1);
    expect(res.json.facets['user:array:tags']).toEqual([
      { value: 'beach', count: 2 },
      { value: '100%', count: 1 },
      { value: 'a_b', count: 1 },
      { value: 'axb', count: 1 },
      { value: 'beauty', count: 1 },
      { value: 'city', count: 1 },
      { value: 'night', count: 1 },
      { value: 'sun', count: 1 },
    ]);
    expect(res.json.facets['user:category'][0]).toEqual({ value: 'travel', count: 2 });
    const filtered = await get({ facets: 'user:str:category,user:array:tags', 'user:array:tags': 'beach' });
    expect(filtered.json.facets).toEqual({
      'user:str:category': [{ value: 'travel', count: 2 }],
      'user:array:tags': [
        { value: 'beach', count: 2 },
        { value: 'beauty', count: 1 },
        { value: 'night', count: 1 },
        { value: 'sun', count: 1 },
      ],
    });
    const none = await get({ facets: 'user:array:tags', 'user:category': 'nothing' });
    expect(none.json.facets).toEqual({ 'user:array:tags': [] });
  });
});

describe('changes are searchable at once', () => {
  it('renames, metadata updates, deletes and restores', async () => {
    const plain = img['plain']!;
    expect(
      (await api(server, 'PUT', `/sourceimages/shop/${plain.hash}/name`, { body: '"Sunset harbor.jpg"' })).status,
    ).toBe(204);
    expect(await labels({ name_text: 'harbor' })).toEqual(['plain']);
    expect(await labels({ name_text: 'plain' })).toEqual([]);
    const patch = await api(server, 'PATCH', `/sourceimages/shop/${plain.hash}/meta/user`, {
      body: JSON.stringify({ 'int:rank': 99 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(patch.status, patch.text).toBe(204);
    expect(await labels({ 'user:int:rank': '99' })).toEqual(['plain']);

    const before = (await get({ limit: '0' })).json.total;
    expect((await api(server, 'DELETE', `/sourceimages/shop/${img['city']!.hash}`)).status).toBe(204);
    expect((await get({ limit: '0' })).json.total).toBe(before - 1);
    expect(await labels({ 'user:category': 'urban' })).toEqual([]);
    expect(await labels({ deleted: 'true' })).toEqual(['city']);
    expect(await labels({ deleted: 'true', 'user:category': 'urban' })).toEqual(['city']);
    expect(
      await labels({ deleted: 'true', deletedDate: "['2000-01-01T00:00:00Z',}", facets: 'user:array:tags' }),
    ).toEqual(['city']);
    expect((await get({ deleted: 'true', facets: 'user:array:tags' })).json.facets).toEqual({
      'user:array:tags': [{ value: 'city', count: 1 }],
    });
    // The organization-wide facet leaves deleted images out.
    expect((await get({ facets: 'user:array:tags' })).json.facets['user:array:tags']).not.toContainEqual({
      value: 'city',
      count: 1,
    });

    expect((await api(server, 'POST', `/sourceimages/shop/${img['city']!.hash}/restore`)).status).toBe(200);
    expect((await get({ limit: '0' })).json.total).toBe(before);
    expect(await labels({ deleted: 'true' })).toEqual([]);
  });

  it('lists deleted images only within the restore window', async () => {
    expect((await api(server, 'DELETE', `/sourceimages/shop/${img['axb']!.hash}`)).status).toBe(204);
    expect(await labels({ deleted: 'true' })).toEqual(['axb']);
    server.advanceClock(server.config.restoreWindowMs + 60_000);
    expect(await labels({ deleted: 'true' })).toEqual([]);
    // Purged rows leave the live count alone.
    const live = (await get({ limit: '0' })).json.total;
    await server.storage.catalog.purgeDeletedBefore(server.deps.now(), 100);
    expect((await get({ limit: '0' })).json.total).toBe(live);
  });
});

describe('every plan gives the same rows', () => {
  /** Every hash in order, paged by cursor (or by numeric offset) with pages of `limit`. */
  async function pages(
    db: Kysely<Database>,
    orgId: number,
    base: SearchInput,
    choice: PlanChoice,
    limit: number,
    numeric: boolean,
  ) {
    const hashes: string[] = [];
    const totals = new Set<number>();
    let after: SortPosition | undefined;
    for (let page = 0; page < 50; page++) {
      const search: SearchInput = { ...base, limit, ...(numeric ? { offset: page * limit } : after ? { after } : {}) };
      const result = await runPlan(db, { orgId, dialect: 'sqlite' }, search, choice);
      totals.add(result.total);
      hashes.push(...result.rows.map((r) => r.hash));
      if (!result.hasMore) break;
      after = result.positions[result.positions.length - 1];
    }
    expect([...totals], 'the total is the same on every page').toHaveLength(1);
    return { hashes, total: [...totals][0] };
  }

  it('for every driver, the index walk, the sort-driven segments, by cursor and by offset', async () => {
    // A connection of the test's own to the server's catalog, whichever it is.
    const url = server.config.databaseUrl;
    const { db } =
      url === undefined ? openSqlite(path.join(server.dataDir, 'origo.sqlite')) : openPostgres(url, { poolSize: 1 });
    try {
      const org = await server.storage.catalog.findOrganization('shop');
      const queries = [
        '',
        'sort=user:int:rank desc',
        'sort=user:str:category,name desc',
        'sort=user:double:score&size=[1,}',
        'user:category=travel&user:int:rank=[1,}',
        'user:array:tags=bea*&name_text=beach&format=jpg',
        'user:text:desc=quick bro*&user:double:score=[0,2]&width=[1,}',
        'user:category=*&sort=user:int:rank desc&size=[1,}',
        'name=[a,z]&user:category=*&sort=name desc',
        'user:category=*&sort=user:str:category,size',
        'format=jpg&sort=user:date:shot desc,width',
        'operator=or&format=png&user:int:rank=[1,5]&sort=user:int:rank',
        'deleted=true',
      ];
      for (const qs of queries) {
        const base: SearchInput = {
          ...parseListingQuery(Object.fromEntries(new URLSearchParams(qs))).search,
          deletedSince: new Date(0),
        };
        const all = await get({ ...Object.fromEntries(new URLSearchParams(qs)), limit: '2000' });
        const expected = all.json.items.map((i: Item) => i.hash);
        for (const choice of allPlans(base)) {
          for (const [limit, numeric] of [
            [2000, false],
            [2, false],
            [3, true],
          ] as const) {
            const got = await pages(db, org!.id, base, choice, limit, numeric);
            expect(got.hashes, `${qs} ${JSON.stringify(choice)} by ${limit}${numeric ? ' (offset)' : ''}`).toEqual(
              expected,
            );
            expect(got.total).toBe(expected.length);
          }
        }
      }
    } finally {
      await db.destroy();
    }
  });
});
