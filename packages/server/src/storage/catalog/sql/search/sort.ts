// Sorting and the keyset: the sort keys as expressions (a user field's
// value is its seq 0 row, LEFT JOINed), ORDER BY, and the condition for the
// rows after a cursor.

import { type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { SortKey, SortPosition } from '../../../../images/search-query.ts';
import { and, or, type Pred, rowScope, type Scope } from './predicates.ts';
import type { SearchDb } from './shapes.ts';

export interface SortExpr {
  key: SortKey;
  /** The expression compared by the keyset condition. */
  expr: RawBuilder<unknown>;
  /** The ORDER BY item: a column, or the alias of the selected user field value. */
  order: RawBuilder<unknown>;
  nullable: boolean;
  /** Selected as this alias (user fields only). */
  alias?: string;
  /** The LEFT JOIN of the user field's seq 0 row (user fields only). */
  join?: { table: string; name: string; type: string; column: 'str' | 'num' };
}

export function sortExprs(sort: SortKey[]): SortExpr[] {
  return sort.map((key, n) => {
    const { field } = key;
    if (field.source === 'image') {
      const ref = sql`${sql.ref(`i.${field.column}`)}`;
      return { key, expr: ref, order: ref, nullable: false };
    }
    // The value of a user field is its seq 0 row, LEFT JOINed on the primary
    // key; images without the field (or with another type) get null and sort last.
    const table = `s${n}`;
    const expr = sql`${sql.ref(`${table}.${field.column}`)}`;
    const alias = `k${n}`;
    return {
      key,
      expr,
      order: sql`${sql.ref(alias)}`,
      nullable: true,
      alias,
      join: { table, name: field.name, type: field.type, column: field.column },
    };
  });
}

/** Adds the sort's user field joins and selects their values as k0, k1, … */
export function withSortValues<O>(
  scope: Scope,
  query: SelectQueryBuilder<SearchDb, 'i', O>,
  exprs: SortExpr[],
): SelectQueryBuilder<SearchDb, 'i', O> {
  let q = query;
  for (const e of exprs) {
    if (!e.join || !e.alias) continue;
    const { table, name, type, column } = e.join;
    q = q.leftJoin(`user_fields as ${table}` as 'user_fields as s', (join) =>
      join.on(
        and([
          sql<SqlBool>`${sql.ref(`${table}.image_id`)} = i.id`,
          sql<SqlBool>`${sql.ref(`${table}.name`)} = ${name}`,
          sql<SqlBool>`${sql.ref(`${table}.type`)} = ${type}`,
          sql<SqlBool>`${sql.ref(`${table}.seq`)} = 0`,
          ...rowScope(scope, table, column),
        ]),
      ),
    ) as unknown as typeof q;
    q = q.select(e.expr.as(e.alias)) as unknown as typeof q;
  }
  return q;
}

export function hashIsKey(sort: SortKey[]): boolean {
  return sort.some((k) => k.field.source === 'image' && k.field.column === 'hash');
}

/** Rows after `position` in the order of `exprs` then hash (nulls last in both directions). */
export function afterPredicate(exprs: SortExpr[], position: SortPosition, tieBreak: boolean): Pred {
  let tail: Pred | undefined = tieBreak ? sql<SqlBool>`i.hash > ${position.hash}` : undefined;
  for (let n = exprs.length - 1; n >= 0; n--) {
    const { expr, key, nullable } = exprs[n]!;
    const value = position.values[n];
    if (value === null || value === undefined) {
      // In the trailing run of images without the field: only later keys order them.
      const equal = sql<SqlBool>`${expr} is null`;
      tail = tail ? and([equal, tail]) : sql<SqlBool>`1 = 0`;
      continue;
    }
    const beyond = key.direction === 'asc' ? sql<SqlBool>`${expr} > ${value}` : sql<SqlBool>`${expr} < ${value}`;
    const strictly = nullable ? or([beyond, sql<SqlBool>`${expr} is null`]) : beyond;
    tail = tail ? or([strictly, and([sql<SqlBool>`${expr} = ${value}`, tail])]) : strictly;
  }
  const predicate = tail ?? sql<SqlBool>`1 = 0`;
  // A redundant bound on the first key lets an index on it start at the cursor.
  const first = exprs[0];
  const firstValue = position.values[0];
  if (first && !first.nullable && firstValue !== null && firstValue !== undefined) {
    const bound =
      first.key.direction === 'asc'
        ? sql<SqlBool>`${first.expr} >= ${firstValue}`
        : sql<SqlBool>`${first.expr} <= ${firstValue}`;
    return and([bound, predicate]);
  }
  return predicate;
}

/** Orders by the sort keys (nulls last), then by hash unless the hash is a key. */
export function ordered<O>(
  q: SelectQueryBuilder<SearchDb, 'i', O>,
  exprs: SortExpr[],
  tieBreak: boolean,
): SelectQueryBuilder<SearchDb, 'i', O> {
  let out = q;
  for (const e of exprs) {
    out = out.orderBy(e.order, (ob) => {
      const dir = e.key.direction === 'asc' ? ob.asc() : ob.desc();
      return e.nullable ? dir.nullsLast() : dir;
    });
  }
  return tieBreak ? out.orderBy('i.hash', 'asc') : out;
}
