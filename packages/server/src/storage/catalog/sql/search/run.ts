// Search on SQL (issue 4): a parsed Search becomes a few Kysely queries, each
// answered from an index. Values only ever travel as bound parameters; the
// only identifiers spliced in come from closed sets in these files.
//
// The plan:
// - Live listing without filters: rows from images_live_by_created (or the
//   sort column's partial live index), the total from org_image_counts.
// - Filters ANDed: each filter can produce the ids of its matches straight
//   from an index (user_fields_by_str/num, search_terms_by_str/num, or an
//   images (org_id, column) index). Capped probes count those candidates; the
//   smallest drives the query as `(ids) d CROSS JOIN images i` (CROSS JOIN
//   fixes the join order in SQLite) and every other filter is checked per row
//   (EXISTS on the user_fields/search_terms primary key (image_id, name, …)).
//   When no filter is selective (every probe hits the cap) and the sort has
//   an index, the page instead walks that index and checks every filter per
//   row, which stops after one page; the total still uses the smallest driver.
// - operator=or: the driver is the UNION of every filter's ids.
// - deleted=true: rows come from images_org_deleted_at (the restore window
//   is small by nature); every filter is checked per row.
// - Facets group the matching images' user_fields rows by value; over a
//   whole live organization they read user_fields_by_str alone, leaving out
//   the (few) deleted images' ids.
//
// Dialect notes (test/search-plan.test.ts and search-plan-postgres.test.ts
// check every shape's plans on each):
// - Per-image reads of user_fields/search_terms carry the organization on
//   PostgreSQL only (rowScope in predicates.ts): it may answer them from a
//   value index that leads with org_id, while SQLite must keep to the
//   primary key.
// - String comparisons (equality aside) assume byte order, as SQLite's BINARY
//   collation has; PostgreSQL needs `COLLATE "C"` on those comparisons (or C
//   columns/indexes) for prefix ranges and string sorts to agree with the
//   index and with the prefix bound of prefixUpperBound.
// - CROSS JOIN is only a join-order hint in SQLite; PostgreSQL plans by its
//   statistics and reads it as an inner join with the WHERE condition.
// - `col || ''` and `col + 0` keep SQLite from choosing an index for a term;
//   both are valid (and harmless) in PostgreSQL.
// - NULLS LAST: SQLite ≥ 3.30 and PostgreSQL both support it.
// - Sorting on a select alias (k0, k1, …) works in both when the ORDER BY
//   item is the bare alias.
//
// Files: plan.ts chooses, queries.ts builds the queries of a plan from
// matching.ts (FROM and WHERE), filters.ts, sort.ts, segments.ts and
// facets.ts; this file runs them.

import type { Kysely, Selectable } from 'kysely';
import type { SortKey, SortPosition } from '../../../../images/search-query.ts';
import type { Database, ImagesTable } from '../schema.ts';
import { choosePlan, type PlanChoice, probeQueries } from './plan.ts';
import type { Scope } from './predicates.ts';
import { COLLECT_LIMIT, searchQueries } from './queries.ts';
import { afterInSegmentB } from './segments.ts';
import type { ImageRow, SearchInput } from './shapes.ts';

export interface SearchRows {
  total: number;
  rows: Selectable<ImagesTable>[];
  positions: SortPosition[];
  hasMore: boolean;
  facets: { key: string; values: { value: string; count: number }[] }[];
}

function positionOf(row: ImageRow, sort: SortKey[]): SortPosition {
  const values = sort.map((key, n) => {
    const value = key.field.source === 'image' ? row[key.field.column] : row[`k${n}`];
    if (value === null || value === undefined) return null;
    return typeof value === 'bigint' ? Number(value) : (value as string | number);
  });
  return { values, hash: row.hash };
}

/** The organization's live images, kept by triggers (migration 0004). */
async function liveCount(db: Kysely<Database>, orgId: number): Promise<number> {
  // A sum: on PostgreSQL the count is spread over several rows (migration 0004); SQLite has one.
  const row = await db
    .selectFrom('org_image_counts')
    .select((eb) => eb.fn.sum<number | string | null>('live').as('live'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(row?.live ?? 0);
}

export async function runSearch(db: Kysely<Database>, scope: Scope, search: SearchInput): Promise<SearchRows> {
  const counts: number[] = [];
  for (const probe of probeQueries(db, scope, search)) counts.push(Number((await probe.executeTakeFirstOrThrow()).n));
  return runPlan(db, scope, search, choosePlan(search, counts));
}

/** Runs a search by the given plan (every plan gives the same answer; tests run them all). */
export async function runPlan(
  db: Kysely<Database>,
  scope: Scope,
  search: SearchInput,
  choice: PlanChoice,
): Promise<SearchRows> {
  const { orgId } = scope;
  const queries = searchQueries(db, scope, search, choice);
  const total = async () =>
    queries.count ? Number((await queries.count.executeTakeFirstOrThrow()).n) : liveCount(db, orgId);
  const facets = async () => {
    const out = [];
    for (const { facet, query } of queries.facets) {
      const rows = await query.execute();
      out.push({ key: facet.key, values: rows.map((r) => ({ value: String(r.value), count: Number(r.n) })) });
    }
    return out;
  };

  if (queries.segments) {
    const { a, aCount, b } = queries.segments;
    const offset = search.offset ?? 0;
    const want = search.limit + 1;
    const inB = afterInSegmentB(search);
    let found: ImageRow[] = inB ? [] : await a(offset, want).execute();
    if (found.length < want) {
      // Segment a is used up: the page goes on with the images without the field.
      let bOffset = 0;
      if (!inB && offset > 0 && found.length === 0)
        bOffset = Math.max(0, offset - Number((await aCount.executeTakeFirstOrThrow()).n));
      found = [...found, ...(await b(bOffset, want - found.length).execute())];
    }
    const page = found.slice(0, search.limit);
    return {
      total: await total(),
      rows: page,
      positions: page.map((r) => positionOf(r, search.sort)),
      hasMore: found.length > search.limit,
      facets: await facets(),
    };
  }

  if (queries.keys) {
    const keys = await queries.keys.execute();
    if (keys.length <= COLLECT_LIMIT) {
      const following = search.after ? keys.filter((k) => k.after === 1) : keys;
      const start = search.offset ?? 0;
      const slice = following.slice(start, start + search.limit + 1);
      const pageKeys = slice.slice(0, search.limit);
      const byId = new Map<number, Selectable<ImagesTable>>();
      if (pageKeys.length > 0) {
        const rows = await db
          .selectFrom('images')
          .selectAll()
          .where(
            'id',
            'in',
            pageKeys.map((k) => k.id),
          )
          .execute();
        for (const row of rows) byId.set(Number(row.id), row);
      }
      // A row purged between the two statements is left out rather than shown half.
      const rows = pageKeys.flatMap((k) => {
        const row = byId.get(Number(k.id));
        return row ? [{ ...row, ...k } as ImageRow] : [];
      });
      return {
        total: keys.length,
        rows,
        positions: rows.map((r) => positionOf(r, search.sort)),
        hasMore: slice.length > search.limit,
        facets: await facets(),
      };
    }
  }

  const count = await total();
  const found = queries.items ? await queries.items.execute() : [];
  const hasMore = found.length > search.limit;
  const page = found.slice(0, search.limit);
  return {
    total: count,
    rows: page,
    positions: page.map((r) => positionOf(r, search.sort)),
    hasMore,
    facets: await facets(),
  };
}
