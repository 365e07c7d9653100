// A sort-driven page, for a user-field sort when no filter is selective:
// segment a walks the first sort field's index (the images having it), then
// segment b holds the images without it, ordered by the other keys.

import { type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { SortField } from '../../../../images/search-query.ts';
import type { Database } from '../schema.ts';
import { filterPredicate } from './filters.ts';
import { and, type Pred, rowScope, type Scope } from './predicates.ts';
import type { Count, Page, SearchDb, SearchInput } from './shapes.ts';
import { afterPredicate, ordered, type SortExpr, withSortValues } from './sort.ts';

export interface Segments {
  /** Images having the first sort field, along its index (cursor applied unless it lies in segment b). */
  a(offset: number, limit: number): Page;
  /** How many images segment a holds in all, for numeric offsets past it. */
  aCount: Count;
  /** Images without the field, by the other keys and hash (cursor applied when it lies here). */
  b(offset: number, limit: number): Page;
}

/** Whether a cursor points into the images without the first sort field (segment b of a sort-driven page). */
export function afterInSegmentB(search: SearchInput): boolean {
  return search.after !== undefined && search.after.values[0] === null;
}

/** The segments of a live search sorted first by the user field `field` (`exprs` are the sort's expressions). */
export function sortDrivenSegments(
  db: Kysely<Database>,
  scope: Scope,
  search: SearchInput,
  field: Extract<SortField, { source: 'user' }>,
  exprs: SortExpr[],
  tieBreak: boolean,
): Segments {
  const { orgId } = scope;
  const filters = search.filters;
  const [first, ...rest] = exprs as [SortExpr, ...SortExpr[]];
  const s0 = first.join!.table;
  const col = sql.ref(`${s0}.${field.column}`);
  const base: Pred[] = [
    sql<SqlBool>`i.org_id = ${orgId}`,
    sql<SqlBool>`i.deleted_at is null`,
    ...filters.map((f) => filterPredicate(scope, f, true)!),
  ];
  const inB = afterInSegmentB(search);
  const having = [
    ...base,
    sql<SqlBool>`${sql.ref(`${s0}.org_id`)} = ${orgId}`,
    sql<SqlBool>`${sql.ref(`${s0}.name`)} = ${field.name}`,
    sql<SqlBool>`${sql.ref(`${s0}.type`)} = ${field.type}`,
    sql<SqlBool>`${sql.ref(`${s0}.seq`)} = 0`,
    sql<SqlBool>`${col} is not null`,
    sql<SqlBool>`i.id = ${sql.ref(`${s0}.image_id`)}`,
  ];
  const aWhere = [...having];
  if (search.after && !inB) {
    const v = search.after.values[0]!;
    // The bound lets the index walk start at the cursor.
    aWhere.push(first.key.direction === 'asc' ? sql<SqlBool>`${col} >= ${v}` : sql<SqlBool>`${col} <= ${v}`);
    aWhere.push(afterPredicate(exprs, search.after, tieBreak));
  }
  const fromA = () =>
    db
      .selectFrom(`user_fields as ${s0}` as 'user_fields as s')
      .crossJoin('images as i') as unknown as SelectQueryBuilder<SearchDb, 'i', object>;
  const bWhere = [
    ...base,
    sql<SqlBool>`not exists (select 1 from user_fields as z where ${and([
      sql<SqlBool>`z.image_id = i.id`,
      ...rowScope(scope, 'z'),
      sql<SqlBool>`z.name = ${field.name} and z.type = ${field.type} and z.seq = 0`,
      sql<SqlBool>`${sql.ref(`z.${field.column}`)} is not null`,
    ])})`,
  ];
  // In segment b the first key is null for every row: only the others order it.
  const exprsB = [{ ...first, expr: sql`null`, order: sql`null` }, ...rest];
  if (inB && search.after) bWhere.push(afterPredicate(exprsB, search.after, tieBreak));
  return {
    a: (offset, limit) => {
      const q = withSortValues(
        scope,
        fromA().selectAll('i').select(first.expr.as(first.alias!)) as unknown as Page,
        rest,
      ).where(and(aWhere));
      return ordered(q, [{ ...first, order: first.expr, nullable: false }, ...rest], tieBreak)
        .limit(limit)
        .offset(offset);
    },
    aCount: fromA()
      .select((eb) => eb.fn.countAll().as('n'))
      .where(and(having)) as unknown as Count,
    b: (offset, limit) => {
      const q = withSortValues(
        scope,
        db.selectFrom('images as i').selectAll('i').select(sql`null`.as(first.alias!)) as unknown as Page,
        rest,
      ).where(and(bWhere));
      return ordered(q, rest, tieBreak).limit(limit).offset(offset);
    },
  };
}
