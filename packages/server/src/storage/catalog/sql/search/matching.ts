// "The matching images" as a FROM and a WHERE: in the driver form, the ids
// of one filter's index (or the UNION of every filter's, for operator=or)
// joined to images, the other filters checked per row; or, for `walk`, the
// images read along the sort index with every filter checked per row.

import { type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Filter } from '../../../../images/search-query.ts';
import type { Database } from '../schema.ts';
import { atomPredicate, atomsOf, filterIds, filterPredicate, isSingleRow } from './filters.ts';
import type { PlanChoice } from './plan.ts';
import { and, or, type Pred, rowScope, type Scope } from './predicates.ts';
import type { SearchDb, SearchInput } from './shapes.ts';

export interface Matching {
  from: SelectQueryBuilder<SearchDb, 'i', object>;
  where: Pred[];
}

/** FROM and WHERE for the images matching `search`, in the driver form unless `walk`. */
export function matching(
  db: Kysely<Database>,
  scope: Scope,
  search: SearchInput,
  choice: PlanChoice,
  walk: boolean,
): Matching {
  const { orgId } = scope;
  const live = !search.deleted;
  const filters = search.filters;
  const orMode = search.operator === 'or' && filters.length > 1;
  const state = live
    ? sql<SqlBool>`i.deleted_at is null`
    : sql<SqlBool>`i.deleted_at >= ${search.deletedSince.getTime()}`;
  const where: Pred[] = [sql<SqlBool>`i.org_id = ${orgId}`, state];
  let from: SelectQueryBuilder<SearchDb, 'i', object>;
  const plain = () => db.selectFrom('images as i') as unknown as SelectQueryBuilder<SearchDb, 'i', object>;
  /** (ids) d, then the single-row user filters' rows, then images i: CROSS JOIN keeps that order. */
  const driven = (ids: SelectQueryBuilder<Database, never, { image_id: number }>, joined: Filter[] = []) => {
    let q = db.selectFrom(ids.as('d')) as unknown as SelectQueryBuilder<
      SearchDb & { d: { image_id: number } },
      'd',
      object
    >;
    joined.forEach((filter, n) => {
      const table = `y${n}`;
      q = q.crossJoin(`user_fields as ${table}` as 'user_fields as y') as unknown as typeof q;
      const [atom] = atomsOf(filter);
      where.push(
        sql<SqlBool>`${sql.ref(`${table}.image_id`)} = d.image_id`,
        ...rowScope(scope, table),
        sql<SqlBool>`${sql.ref(`${table}.seq`)} = 0`,
        atomPredicate(table, atom!),
      );
    });
    where.push(sql<SqlBool>`i.id = d.image_id`);
    return q.crossJoin('images as i') as unknown as SelectQueryBuilder<SearchDb, 'i', object>;
  };

  if (filters.length === 0) {
    from = plain();
  } else if (!live) {
    from = plain();
    const preds = filters.map((f) => filterPredicate(scope, f, false)!);
    where.push(orMode ? or(preds) : and(preds));
  } else if (orMode) {
    const parts = filters.map((f) => filterIds(db, scope, f, true).ids);
    let union = parts[0]!;
    for (const part of parts.slice(1)) union = union.union(part);
    from = driven(union);
  } else if (walk) {
    from = plain();
    const firstSort = search.sort[0]?.field;
    for (const f of filters) {
      // A filter on the first sort column keeps its index: it narrows the walk.
      const onSortColumn =
        f.field.source === 'image' && firstSort?.source === 'image' && firstSort.column === f.field.column;
      where.push(filterPredicate(scope, f, !onSortColumn)!);
    }
  } else {
    const driverIndex = choice.driver ?? 0;
    const { ids, atom } = filterIds(db, scope, filters[driverIndex]!, false);
    const joined = filters.filter((f, n) => n !== driverIndex && isSingleRow(f));
    from = driven(ids, joined);
    filters.forEach((f, n) => {
      if (n !== driverIndex && isSingleRow(f)) return;
      const pred = filterPredicate(scope, f, true, n === driverIndex ? (atom ?? -1) : undefined, 'd.image_id');
      if (pred) where.push(pred);
    });
  }
  return { from, where };
}
