// The plan: probes count each filter's candidates (capped), and the
// smallest drives; when none is selective the page walks the sort index.

import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Filter } from '../../../../images/search-query.ts';
import type { Database } from '../schema.ts';
import { filterIds } from './filters.ts';
import type { Scope } from './predicates.ts';
import type { SearchInput } from './shapes.ts';

/** Probes count at most this many candidate rows; fewer means the filter is selective enough to drive. */
export const PROBE_LIMIT = 20_000;

/** How the rows are found: `driver` is the index of the filter whose ids drive; `walk` pages along the sort index. */
export interface PlanChoice {
  driver?: number;
  walk: boolean;
  /**
   * The first sort key is a user field and no filter is selective: pages
   * walk that field's index (images having it), then the images without it.
   */
  sortDriven?: boolean;
}

/** Probe queries: how many candidate rows each filter's index yields, capped at PROBE_LIMIT. */
export function probeQueries(
  db: Kysely<Database>,
  scope: Scope,
  search: SearchInput,
): SelectQueryBuilder<Database, never, { n: number }>[] {
  if (search.deleted || search.operator === 'or' || search.filters.length === 0) return [];
  return search.filters.map((filter) => {
    const { ids } = filterIds(db, scope, filter, false);
    return db
      .selectFrom(ids.limit(PROBE_LIMIT).as('p'))
      .select((eb) => eb.fn.countAll<number>().as('n')) as unknown as SelectQueryBuilder<
      Database,
      never,
      { n: number }
    >;
  });
}

/** A guess at how narrow a condition is, for probes that tie (both at the cap): lower is narrower. */
function narrowness(filter: Filter): number {
  const c = filter.condition;
  switch (c.op) {
    case 'eq':
      return 0;
    case 'tokens':
      return c.tokens.length === 0 ? 4 : c.prefix && c.tokens.length === 1 ? 2 : 0;
    case 'range':
      return c.min && c.max ? 1 : 3;
    case 'prefix':
      return c.value === '' ? 4 : 2;
  }
}

/** Picks the driver: the fewest probed candidates, then the narrower condition, then filter order. */
export function choosePlan(search: SearchInput, probeCounts: number[]): PlanChoice {
  const userSort = search.sort[0]?.field.source === 'user';
  if (search.deleted) return { walk: false };
  if (search.filters.length === 0) return { walk: false, sortDriven: userSort };
  if (search.operator === 'or') return { walk: false };
  let driver = 0;
  probeCounts.forEach((n, i) => {
    const best = probeCounts[driver]!;
    if (n < best || (n === best && narrowness(search.filters[i]!) < narrowness(search.filters[driver]!))) driver = i;
  });
  const selective = (probeCounts[driver] ?? PROBE_LIMIT) < PROBE_LIMIT;
  return { driver, walk: !selective && !userSort, sortDriven: !selective && userSort };
}

/** Every plan the builder supports for a search (choosePlan picks one; tests run them all). */
export function allPlans(search: SearchInput): PlanChoice[] {
  const userSort = search.sort[0]?.field.source === 'user';
  if (search.deleted || (search.operator === 'or' && search.filters.length > 1)) return [{ walk: false }];
  if (search.filters.length === 0)
    return userSort ? [{ walk: false }, { walk: false, sortDriven: true }] : [{ walk: false }];
  const all: PlanChoice[] = search.filters.map((_, driver) => ({ driver, walk: false }));
  if (userSort) all.push(...search.filters.map((_, driver) => ({ driver, walk: false, sortDriven: true })));
  else all.push({ driver: 0, walk: true });
  return all;
}
