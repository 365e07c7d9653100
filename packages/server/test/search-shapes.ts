// The search shapes whose query plans the plan tests check on each dialect
// (search-plan.test.ts on SQLite, search-plan-postgres.test.ts on PostgreSQL),
// every query the SQL builder makes for them, and a seed that gives the
// planner statistics worth having.

import { createHash } from 'node:crypto';
import type { Compilable, Kysely } from 'kysely';
import { parseListingQuery } from '../src/http/search-query-params.ts';
import type { SortPosition } from '../src/images/search-query.ts';
import { indexRows } from '../src/images/user-metadata.ts';
import type { Catalog } from '../src/storage/catalog/catalog.ts';
import type { Database, Dialect } from '../src/storage/catalog/sql/schema.ts';
import { allPlans, probeQueries } from '../src/storage/catalog/sql/search/plan.ts';
import { searchQueries } from '../src/storage/catalog/sql/search/queries.ts';
import type { SearchInput } from '../src/storage/catalog/sql/search/shapes.ts';

export const SHAPES: Record<string, string> = {
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

export interface LabelledQuery {
  /** The shape, the plan and the part of the search, for a failure message. */
  label: string;
  query: Compilable;
}

/**
 * Every query the builder makes for every shape: probes, and for every
 * possible plan, first page, cursor (with a value and in the trailing null
 * run) and numeric offset, the keys, segments, items, total and facets.
 */
export function shapeQueries(db: Kysely<Database>, dialect: Dialect, orgId: number): LabelledQuery[] {
  const scope = { orgId, dialect };
  const out: LabelledQuery[] = [];
  for (const [shape, qs] of Object.entries(SHAPES)) {
    const query = Object.fromEntries(new URLSearchParams(qs)) as Record<string, string>;
    // Repeated keys are not used in SHAPES; limit 100 keeps items in the plan.
    const base: SearchInput = { ...parseListingQuery(query).search, deletedSince: new Date(0) };
    for (const probe of probeQueries(db, scope, base)) out.push({ label: `${shape} (probe)`, query: probe });
    for (const choice of allPlans(base)) {
      for (const after of positions(base)) {
        for (const offset of [undefined, 200]) {
          const search: SearchInput = { ...base, ...(after ? { after } : {}), ...(offset && !after ? { offset } : {}) };
          const queries = searchQueries(db, scope, search, choice);
          const label = `${shape} [${JSON.stringify(choice)}${after ? ' after' : ''}${offset && !after ? ' offset' : ''}]`;
          if (queries.keys) out.push({ label: `${label} (keys)`, query: queries.keys });
          if (queries.segments) {
            const { a, aCount, b } = queries.segments;
            out.push({ label: `${label} (segment a)`, query: a(offset ?? 0, 101) });
            out.push({ label: `${label} (segment a count)`, query: aCount });
            out.push({ label: `${label} (segment b)`, query: b(offset ?? 0, 101) });
          }
          if (queries.items) out.push({ label: `${label} (items)`, query: queries.items });
          if (queries.count) out.push({ label: `${label} (count)`, query: queries.count });
          for (const f of queries.facets) out.push({ label: `${label} (facet)`, query: f.query });
        }
      }
    }
  }
  return out;
}

/** A hash of 40 hex digits for image n of an organization, spread like real ones (distinct short hashes). */
export function seedHash(orgId: number, n: number): string {
  return createHash('sha1').update(`${orgId}-${n}`).digest('hex');
}

/** Seeds `orgId` and a second organization ("other") beside it, as the plan tests' ANALYZE case needs: statistics from more than one organization. */
export async function seedBesideAnother(catalog: Catalog, orgId: number, count: number): Promise<void> {
  const other = await catalog.createOrganization(
    { name: 'other', displayName: 'o', billingEmail: 'x@example.com', masterOrganization: 'other' },
    new Date(),
  );
  await seedShapes(catalog, [orgId, other.id], count);
}

/**
 * `count` images in each organization, every field of the shapes present on
 * some of them, and the first image of every third hundred soft-deleted in
 * the first organization.
 */
async function seedShapes(catalog: Catalog, orgIds: number[], count: number): Promise<void> {
  const batchSize = 250;
  for (const org of orgIds) {
    for (let batch = 0; batch * batchSize < count; batch++) {
      const images = Array.from({ length: Math.min(batchSize, count - batch * batchSize) }, (_, k) => {
        const n = batch * batchSize + k;
        const hash = seedHash(org, n);
        const userMetadata = {
          category: `cat-${n % 20}`,
          'int:rank': n,
          'double:score': n / 7,
          'array:tags': [`t${n % 30}`, `t${n % 7}`],
          'text:desc': `quick brown ${n}`,
        };
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
          created: new Date(Date.UTC(2020, 0, 1) + batch * 1000),
        };
      });
      await catalog.importImages(org, images);
    }
  }
  const first = orgIds[0]!;
  for (let n = 0; n * 3 < count && n < 100; n++) await catalog.softDelete(first, seedHash(first, n * 3), new Date());
}
