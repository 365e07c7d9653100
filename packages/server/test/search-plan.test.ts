// Every search shape is answered from indexes: EXPLAIN QUERY PLAN of every
// query the SQL builder makes (keys, items, total, facets, probes; for every
// possible driver) must not scan a table, must not scan an index without a
// constraint, and must not search an index without the organization (or an
// image id) as its constraint. Checked on an empty catalog and again after
// ANALYZE on a seeded one, since statistics change the planner's choices.

import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListingQuery, type SortPosition } from '../src/images/search-query.ts';
import { migrateToLatest } from '../src/storage/catalog/sql/migrate.ts';
import type { Database } from '../src/storage/catalog/sql/schema.ts';
import { allPlans, probeQueries, type SearchInput, searchQueries } from '../src/storage/catalog/sql/search.ts';
import { SqlCatalog } from '../src/storage/catalog/sql/sql-catalog.ts';
import { openSqlite } from '../src/storage/catalog/sql/sqlite.ts';
import { indexRows } from '../src/images/user-metadata.ts';

/** Aliases of derived tables (driver ids, probe candidates): scanning those is reading a subquery's rows. */
const DERIVED = new Set(['d', 'p']);

function planProblems(raw: BetterSqlite3.Database, query: Compilable): string[] {
  const { sql, parameters } = query.compile();
  const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(parameters as unknown[])) as { detail: string }[];
  const problems: string[] = [];
  for (const { detail } of plan) {
    const scan = /^SCAN (\S+)/.exec(detail);
    if (scan && !DERIVED.has(scan[1]!)) problems.push(detail);
    const search = /^SEARCH (\S+)/.exec(detail);
    if (search && !DERIVED.has(search[1]!) && !/\((org_id=\?|image_id=\?|rowid=\?)/.test(detail)) problems.push(detail);
  }
  return problems.map((p) => `${p}\n    in: ${sql}\n    plan: ${plan.map((r) => r.detail).join(' | ')}`);
}

const SHAPES: Record<string, string> = {
  'default page': '',
  'deleted=true': 'deleted=true',
  'user str eq': 'user:category=cat-1',
  'user str prefix': 'user:str:category=cat-1*',
  'user str range': 'user:str:category=[a,m}',
  'user str present': 'user:category=*',
  'user text words': 'user:text:desc=quick brown',
  'user text prefix word': 'user:text:desc=quick bro*',
  'user int eq': 'user:int:rank=5',
  'user int range': 'user:int:rank=[1,100]',
  'user int open range': 'user:int:rank={5,}',
  'user double range': 'user:double:score={0.5,1.5]',
  'user date range': "user:date:shot=['2017-01-01T00:00:00Z',}",
  'user latlon eq': 'user:latlon:where=47.5,8.25',
  'user array eq': 'user:array:tags=beach',
  'user array prefix': 'user:array:tags=bea*',
  'user array_text words': 'user:array_text:notes=sunny day*',
  hash: `hash=${'a'.repeat(40)}`,
  'hash prefix': 'hash=ab*',
  short_hash: 'short_hash=abcdef',
  binaryhash: `binaryhash=${'b'.repeat(40)}`,
  mimetype: 'mimetype=image/jpeg',
  format: 'format=jpg',
  'name eq': 'name=a.jpg',
  'name prefix': 'name=img-1*',
  'name range': 'name=[a,b]',
  name_text: 'name_text=beach day',
  size: 'size=[100,2000]',
  width: 'width=1024',
  height: 'height={,600}',
  created: "created=['2017-01-01T00:00:00Z','2018-01-01T00:00:00Z'}",
  'deletedDate (deleted=true)': "deleted=true&deletedDate=['2017-01-01T00:00:00Z',}",
  'dynamic str': 'dynamic:str:version:text=v2',
  'dynamic int range': 'dynamic:int:subject_area:x=[0,100]',
  'static str': 'static:str:exif:Make=Canon',
  'static text': 'static:text:iptc:Caption=sunset*',
  'two filters ANDed': 'user:int:rank=[1,100]&user:str:category=cat-1*',
  'image and user filters': 'format=jpg&user:int:rank=[1,100]&name=img*',
  'operator=or': 'operator=or&user:int:rank=[1,100]&user:str:category=cat-1*&name=img*&user:text:desc=quick brown',
  'operator=or deleted': 'operator=or&deleted=true&user:int:rank=[1,100]&name=img*',
  'deleted with filters': 'deleted=true&user:int:rank=[1,100]&format=jpg',
  'sort by user field': 'sort=user:double:score desc',
  'sort by user str, then name': 'sort=user:str:category,name desc',
  'sort by two user fields, filtered': 'sort=user:int:rank,user:date:shot desc&format=jpg',
  'sort by user field, filtered': 'sort=user:double:score desc,name&user:int:rank=[1,100]&user:str:category=cat-1*',
  'sort by column': 'sort=size desc',
  'sort by name, filtered': 'sort=name&format=jpg',
  'facets over the organization': 'facets=user:category,user:array:tags',
  'facets, filtered': 'facets=user:array:tags&user:int:rank=[1,100]',
  'facets, or': 'facets=user:array:tags&operator=or&user:int:rank=[1,100]&format=jpg',
  'facets, deleted': 'facets=user:array:tags&deleted=true',
};

/** Keyset positions to try for a sort: a first page has none; a user key may be null (the trailing run). */
function positions(search: SearchInput): (SortPosition | undefined)[] {
  const values = (withNull: boolean) =>
    search.sort.map((key) => {
      if (key.field.source === 'user') return withNull ? null : key.field.column === 'num' ? 3 : 'm';
      return ['size', 'width', 'height', 'created'].includes(key.field.column) ? 1000 : 'm';
    });
  return [undefined, { values: values(false), hash: 'c'.repeat(40) }, { values: values(true), hash: 'c'.repeat(40) }];
}

function checkAll(db: Kysely<Database>, raw: BetterSqlite3.Database, orgId: number): string[] {
  const problems: string[] = [];
  for (const [shape, qs] of Object.entries(SHAPES)) {
    const query = Object.fromEntries(new URLSearchParams(qs)) as Record<string, string>;
    // Repeated keys are not used in SHAPES; limit 100 keeps items in the plan.
    const base: SearchInput = { ...parseListingQuery(query).search, deletedSince: new Date(0) };
    for (const probe of probeQueries(db, orgId, base)) problems.push(...planProblems(raw, probe).map((p) => `${shape} (probe): ${p}`));
    for (const choice of allPlans(base)) {
      for (const after of positions(base)) {
        for (const offset of [undefined, 200]) {
          const search: SearchInput = { ...base, ...(after ? { after } : {}), ...(offset && !after ? { offset } : {}) };
          const queries = searchQueries(db, orgId, search, choice);
          const label = `${shape} [${JSON.stringify(choice)}${after ? ' after' : ''}${offset && !after ? ' offset' : ''}]`;
          if (queries.keys) problems.push(...planProblems(raw, queries.keys).map((p) => `${label} (keys): ${p}`));
          if (queries.segments) {
            const { a, aCount, b } = queries.segments;
            for (const [part, query] of [['a', a(offset ?? 0, 101)], ['a count', aCount], ['b', b(offset ?? 0, 101)]] as const) {
              problems.push(...planProblems(raw, query).map((p) => `${label} (segment ${part}): ${p}`));
            }
          }
          if (queries.items) problems.push(...planProblems(raw, queries.items).map((p) => `${label} (items): ${p}`));
          if (queries.count) problems.push(...planProblems(raw, queries.count).map((p) => `${label} (count): ${p}`));
          for (const f of queries.facets) problems.push(...planProblems(raw, f.query).map((p) => `${label} (facet): ${p}`));
        }
      }
    }
  }
  return problems;
}

describe('search query plans', () => {
  let db: Kysely<Database>;
  let raw: BetterSqlite3.Database;
  let catalog: SqlCatalog;
  let orgId: number;

  beforeAll(async () => {
    ({ db, raw } = openSqlite(':memory:'));
    await migrateToLatest(db, 'sqlite');
    catalog = new SqlCatalog(db, 'sqlite');
    orgId = (await catalog.createOrganization({ name: 'plan', displayName: 'plan', billingEmail: 'x@example.com', masterOrganization: 'plan' }, new Date())).id;
  });
  afterAll(() => catalog.close());

  it('reads only through indexes, with the organization as constraint (no statistics)', () => {
    const problems = checkAll(db, raw, orgId);
    expect(problems, problems.slice(0, 5).join('\n\n')).toEqual([]);
  });

  it('still does after ANALYZE on a seeded catalog', async () => {
    const other = (await catalog.createOrganization({ name: 'other', displayName: 'o', billingEmail: 'x@example.com', masterOrganization: 'other' }, new Date())).id;
    for (const org of [orgId, other]) {
      for (let batch = 0; batch < 4; batch++) {
        const images = Array.from({ length: 250 }, (_, k) => {
          const n = batch * 250 + k;
          const hash = `${org}-${n}`.padStart(40, '0').replace(/-/g, 'f');
          const userMetadata = { category: `cat-${n % 20}`, 'int:rank': n, 'double:score': n / 7, 'array:tags': [`t${n % 30}`, `t${n % 7}`], 'text:desc': `quick brown ${n}` };
          return {
            hash,
            binaryHash: hash,
            blobKey: hash,
            name: `img-${n}.jpg`,
            format: n % 3 === 0 ? 'png' : 'jpg',
            mimetype: n % 3 === 0 ? 'image/png' : 'image/jpeg',
            size: 1000 + n,
            width: 100 + (n % 50),
            height: 100 + (n % 40),
            opaque: true,
            animated: false,
            protected: false,
            userMetadata,
            dynamicMetadata: n % 10 === 0 ? { version: { text: `v${n % 3}` } } : {},
            staticMetadata: n % 5 === 0 ? { exif: { Image: { Make: n % 2 ? 'Canon' : 'Nikon' } } } : {},
            userFieldRows: indexRows(userMetadata),
          };
        });
        await catalog.saveUploadedImages(org, images, new Date(Date.UTC(2020, 0, 1) + batch * 1000), (e) => ({ metadata: e, rows: [] }));
      }
    }
    for (let n = 0; n < 100; n++) await catalog.softDelete(orgId, `${orgId}-${n * 3}`.padStart(40, '0').replace(/-/g, 'f'), new Date());
    raw.exec('ANALYZE');
    const problems = checkAll(db, raw, orgId);
    expect(problems, problems.slice(0, 5).join('\n\n')).toEqual([]);
  });
});
