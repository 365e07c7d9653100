// The queries of one search by a given plan: the page (or a sort-driven
// page's segments), every match's keys when a driver finds them, the total,
// and the facets.

import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { FacetRequest } from '../../../../images/search-query.ts';
import type { Database } from '../schema.ts';
import { type FacetQuery, matchingFacet, organizationFacet } from './facets.ts';
import { filterIds } from './filters.ts';
import { matching } from './matching.ts';
import type { PlanChoice } from './plan.ts';
import { and, type Scope } from './predicates.ts';
import { type Segments, sortDrivenSegments } from './segments.ts';
import type { Count, KeyRow, Page, SearchDb, SearchInput } from './shapes.ts';
import { afterPredicate, hashIsKey, ordered, sortExprs, withSortValues } from './sort.ts';

/**
 * Up to this many matches, one query returns every match's id and sort
 * values in order (the total is their number, the page a slice) instead of
 * a page query and a count query that would each visit every match.
 */
export const COLLECT_LIMIT = 100_000;

export interface SearchQueries {
  /**
   * Every match (at most COLLECT_LIMIT + 1) in order: ids, user sort values
   * and whether each follows the cursor. Present when the rows are found
   * from a driver (not along the sort index) and a page is wanted.
   */
  keys?: SelectQueryBuilder<SearchDb, 'i', KeyRow>;
  /** The page, limit + 1 rows (absent for limit 0). */
  items?: Page;
  /** With a sort-driven plan, the page comes from these instead of `items`. */
  segments?: Segments;
  /** The total (absent when org_image_counts answers it). */
  count?: Count;
  facets: { facet: FacetRequest; query: FacetQuery }[];
}

export function searchQueries(
  db: Kysely<Database>,
  scope: Scope,
  search: SearchInput,
  choice: PlanChoice,
): SearchQueries {
  const live = !search.deleted;
  const filters = search.filters;
  const orMode = search.operator === 'or' && filters.length > 1;
  const queries: SearchQueries = { facets: [] };

  const exprs = sortExprs(search.sort);
  const tieBreak = !hashIsKey(search.sort);

  const firstSort = search.sort[0]?.field;
  if (search.limit > 0 && choice.sortDriven && live && firstSort?.source === 'user') {
    queries.segments = sortDrivenSegments(db, scope, search, firstSort, exprs, tieBreak);
  }

  // The page.
  if (search.limit > 0 && !queries.segments) {
    const { from, where } = matching(db, scope, search, choice, choice.walk);
    if (search.after) where.push(afterPredicate(exprs, search.after, tieBreak));
    let items = ordered(
      withSortValues(scope, from.selectAll('i') as unknown as Page, exprs).where(and(where)),
      exprs,
      tieBreak,
    );
    items = items.limit(search.limit + 1);
    if (search.offset) items = items.offset(search.offset);
    queries.items = items;
  }

  // Every match in order, when they come from a driver and a page is wanted.
  if (search.limit > 0 && !choice.walk && !queries.segments && !(live && filters.length === 0)) {
    const { from, where } = matching(db, scope, search, choice, false);
    let keys = withSortValues(
      scope,
      from.select('i.id') as unknown as SelectQueryBuilder<SearchDb, 'i', KeyRow>,
      exprs,
    );
    if (search.after) {
      const after = afterPredicate(exprs, search.after, tieBreak);
      keys = keys.select(sql<number>`case when ${after} then 1 else 0 end`.as('after')) as typeof keys;
    }
    queries.keys = ordered(keys.where(and(where)), exprs, tieBreak).limit(COLLECT_LIMIT + 1);
  }

  // The total: always in the driver form (it visits every match anyway).
  if (live && !orMode && filters.length === 1 && filters[0]!.field.source === 'image') {
    // One image filter: its ids come from a partial live index that covers the count.
    const { ids } = filterIds(db, scope, filters[0]!, false);
    queries.count = db.selectFrom(ids.as('d')).select((eb) => eb.fn.countAll().as('n')) as unknown as Count;
  } else if (!(live && filters.length === 0)) {
    const { from, where } = matching(db, scope, search, choice, false);
    queries.count = from.select((eb) => eb.fn.countAll().as('n')).where(and(where)) as unknown as Count;
  }

  // Facets over every match.
  for (const facet of search.facets) {
    const query =
      live && filters.length === 0
        ? organizationFacet(db, scope, facet)
        : matchingFacet(scope, matching(db, scope, search, choice, false), facet);
    queries.facets.push({ facet, query });
  }
  return queries;
}
