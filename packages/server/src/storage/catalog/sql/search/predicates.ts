// The SQL pieces every search query is built from: predicates and how they
// combine, and the scope (organization and dialect) a query is for.

import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Condition, prefixUpperBound } from '../../../../images/search-query.ts';
import type { Dialect } from '../schema.ts';

export type Pred = RawBuilder<SqlBool>;

export function and(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0]!;
  return sql<SqlBool>`(${sql.join(preds, sql` and `)})`;
}

export function or(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0]!;
  return sql<SqlBool>`(${sql.join(preds, sql` or `)})`;
}

/** `expr` compared by a condition (eq, prefix or range; tokens are split into atoms before). */
export function compare(expr: RawBuilder<unknown>, condition: Exclude<Condition, { op: 'tokens' }>): Pred {
  switch (condition.op) {
    case 'eq':
      return sql<SqlBool>`${expr} = ${condition.value}`;
    case 'prefix': {
      if (condition.value === '') return sql<SqlBool>`${expr} is not null`;
      const upper = prefixUpperBound(condition.value);
      return upper === undefined
        ? sql<SqlBool>`${expr} >= ${condition.value}`
        : sql<SqlBool>`(${expr} >= ${condition.value} and ${expr} < ${upper})`;
    }
    case 'range': {
      const parts: Pred[] = [];
      if (condition.min)
        parts.push(
          condition.min.inclusive
            ? sql<SqlBool>`${expr} >= ${condition.min.value}`
            : sql<SqlBool>`${expr} > ${condition.min.value}`,
        );
      if (condition.max)
        parts.push(
          condition.max.inclusive
            ? sql<SqlBool>`${expr} <= ${condition.max.value}`
            : sql<SqlBool>`${expr} < ${condition.max.value}`,
        );
      return and(parts);
    }
  }
}

/** The organization searched, and the dialect the queries are for. */
export interface Scope {
  orgId: number;
  dialect: Dialect;
}

/**
 * What a per-image read of an index table (user_fields, search_terms; alias
 * `alias`) adds on PostgreSQL: the organization, and for a sort value the
 * column being present. Neither changes the answer (an image's rows carry
 * its organization; a row without a value sorts as none), but PostgreSQL
 * turns such a read into a semi-join or hash join and may take a value index
 * (org_id, name, …) for it, which without org_id it reads for every
 * organization. SQLite instead looks each one up on the (image_id, name, …)
 * primary key; given org_id it would pick the value index and, for a range,
 * scan the range per image, so it gets nothing.
 */
export function rowScope(scope: Scope, alias: string, presentColumn?: 'str' | 'num'): Pred[] {
  if (scope.dialect !== 'postgres') return [];
  const preds = [sql<SqlBool>`${sql.ref(`${alias}.org_id`)} = ${scope.orgId}`];
  if (presentColumn) preds.push(sql<SqlBool>`${sql.ref(`${alias}.${presentColumn}`)} is not null`);
  return preds;
}
