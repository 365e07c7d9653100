// Facets: the matching images' user_fields rows of a field, grouped by value,
// the most frequent first.

import { type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { type FacetRequest, MAX_FACET_VALUES } from '../../../../images/search-query.ts';
import type { Database } from '../schema.ts';
import type { Matching } from './matching.ts';
import { and, rowScope, type Scope } from './predicates.ts';
import type { SearchDb } from './shapes.ts';

export type FacetQuery = SelectQueryBuilder<Database, never, { value: string | null; n: number | bigint | string }>;

/**
 * Over a whole live organization: every row of the field, grouped along its
 * index, less the rows of the (few) deleted images. Cheaper than checking
 * each row for deletion.
 */
export function organizationFacet(db: Kysely<Database>, scope: Scope, facet: FacetRequest): FacetQuery {
  const { orgId } = scope;
  const ofField = and([
    sql<SqlBool>`f.name = ${facet.name}`,
    sql<SqlBool>`f.type = ${facet.type}`,
    sql<SqlBool>`f.str is not null`,
  ]);
  const all = db
    .selectFrom('user_fields as f')
    .select((eb) => ['f.str as value', eb.fn.countAll<number>().as('c')])
    .where('f.org_id', '=', orgId)
    .where(ofField)
    .groupBy('f.str');
  const deleted = db
    .selectFrom('images as z')
    .crossJoin('user_fields as f')
    .select(['f.str as value', sql<number>`-count(*)`.as('c')])
    .where('z.org_id', '=', orgId)
    .where('z.deleted_at', 'is not', null)
    .whereRef('f.image_id', '=', 'z.id')
    .where(and([ofField, ...rowScope(scope, 'f')]))
    .groupBy('f.str');
  const query = db
    .selectFrom(all.unionAll(deleted).as('d'))
    .select(['d.value', sql<number>`sum(d.c)`.as('n')])
    .groupBy('d.value')
    .having(sql<SqlBool>`sum(d.c) > 0`)
    .orderBy('n', 'desc')
    .orderBy('d.value', 'asc')
    .limit(MAX_FACET_VALUES);
  return query as unknown as FacetQuery;
}

/** Over the images `matching` finds. */
export function matchingFacet(scope: Scope, { from, where }: Matching, facet: FacetRequest): FacetQuery {
  const query = (from as unknown as SelectQueryBuilder<SearchDb, 'i', object>)
    .crossJoin('user_fields as f')
    .select((eb) => ['f.str as value', eb.fn.countAll().as('n')])
    .where(
      and([
        ...where,
        sql<SqlBool>`f.image_id = i.id`,
        ...rowScope(scope, 'f'),
        sql<SqlBool>`f.name = ${facet.name}`,
        sql<SqlBool>`f.type = ${facet.type}`,
      ]),
    )
    .groupBy('f.str')
    .orderBy('n', 'desc')
    .orderBy('value', 'asc')
    .limit(MAX_FACET_VALUES);
  return query as unknown as FacetQuery;
}
