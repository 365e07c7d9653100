// Filters: the atoms a filter is checked by (one per word of a text field),
// the predicate on a row of images i, and the ids of its matches straight
// from an index (user_fields, search_terms, or an images column index).

import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Condition, Filter } from '../../../../images/search-query.ts';
import type { Database } from '../schema.ts';
import { and, compare, type Pred, rowScope, type Scope } from './predicates.ts';
import type { Ids } from './shapes.ts';

/** One index-row condition: a filter on a text field is one atom per word. */
interface Atom {
  table: 'user_fields' | 'search_terms';
  name: string;
  /** user_fields rows also carry the field's type. */
  type?: string;
  column: 'str' | 'num';
  condition: Exclude<Condition, { op: 'tokens' }>;
}

export function atomsOf(filter: Filter): Atom[] {
  const { field, condition } = filter;
  if (field.source === 'image') throw new Error('image filters have no atoms');
  const base =
    field.source === 'user'
      ? { table: 'user_fields' as const, name: field.name, type: field.type, column: field.column }
      : { table: 'search_terms' as const, name: field.name, column: field.column };
  if (condition.op !== 'tokens') return [{ ...base, condition }];
  const atoms: Atom[] = condition.tokens.map((token, i) => ({
    ...base,
    condition:
      condition.prefix && i === condition.tokens.length - 1
        ? { op: 'prefix', value: token }
        : { op: 'eq', value: token },
  }));
  // No words but a trailing *: the field is present.
  return atoms.length > 0 ? atoms : [{ ...base, condition: { op: 'prefix', value: '' } }];
}

/** The atom that best drives: an exact word, the longest first (a rough guess at the rarest). */
function drivingAtom(atoms: Atom[]): number {
  let best = 0;
  const score = (a: Atom) =>
    (a.condition.op === 'eq' ? 1000 : 0) + String((a.condition as { value?: unknown }).value ?? '').length;
  atoms.forEach((a, i) => {
    if (score(a) > score(atoms[best]!)) best = i;
  });
  return best;
}

export function atomPredicate(alias: string, atom: Atom): Pred {
  const parts: Pred[] = [sql<SqlBool>`${sql.ref(`${alias}.name`)} = ${atom.name}`];
  if (atom.type !== undefined) parts.push(sql<SqlBool>`${sql.ref(`${alias}.type`)} = ${atom.type}`);
  parts.push(compare(sql.ref(`${alias}.${atom.column}`), atom.condition));
  return and(parts);
}

/** EXISTS of an atom's row for the image `imageId` (on SQLite a lookup on the (image_id, name, …) primary key). */
function atomExists(scope: Scope, atom: Atom, imageId: RawBuilder<unknown>): Pred {
  const where = and([sql<SqlBool>`y.image_id = ${imageId}`, ...rowScope(scope, 'y'), atomPredicate('y', atom)]);
  return sql<SqlBool>`exists (select 1 from ${sql.table(atom.table)} as y where ${where})`;
}

/** User field types stored as exactly one row, seq 0: a residual check on them is a join, not an EXISTS. */
const SINGLE_ROW_TYPES = new Set(['str', 'int', 'double', 'date', 'latlon']);

export function isSingleRow(filter: Filter): boolean {
  return filter.field.source === 'user' && SINGLE_ROW_TYPES.has(filter.field.type) && filter.condition.op !== 'tokens';
}

const NUMERIC_COLUMNS = new Set(['size', 'width', 'height', 'created', 'deleted_at']);

function imageColumn(alias: 'i' | 'c', column: string, noIndex: boolean): RawBuilder<unknown> {
  const ref = sql.ref(`${alias}.${column}`);
  if (!noIndex) return sql`${ref}`;
  // Keeps SQLite from picking this column's index: the page walks the sort index instead.
  return NUMERIC_COLUMNS.has(column) ? sql`(${ref} + 0)` : sql`(${ref} || '')`;
}

function imageFilterPredicate(alias: 'i' | 'c', filter: Filter, noIndex: boolean): Pred {
  if (filter.field.source !== 'image' || filter.condition.op === 'tokens') throw new Error('not an image filter');
  return compare(imageColumn(alias, filter.field.column, noIndex), filter.condition);
}

/**
 * Whether row i matches the filter; `skipAtom` leaves out the atom a driver
 * already checked. Index-table checks correlate on `imageId`: the driver's
 * d.image_id lets SQLite run them before it reads the (wide) images row.
 */
export function filterPredicate(
  scope: Scope,
  filter: Filter,
  noIndex: boolean,
  skipAtom?: number,
  imageId = 'i.id',
): Pred | undefined {
  if (filter.field.source === 'image')
    return skipAtom === undefined ? imageFilterPredicate('i', filter, noIndex) : undefined;
  const parts = atomsOf(filter)
    .filter((_, i) => i !== skipAtom)
    .map((atom) => atomExists(scope, atom, sql.ref(imageId)));
  return parts.length === 0 ? undefined : and(parts);
}

/**
 * The ids of the images matching a filter, read from an index. For a live
 * listing an image filter also checks liveness (its partial index needs it);
 * index-table ids are checked for liveness by the join on images. With
 * `exact`, a multi-word filter checks its other words too (for UNION).
 */
export function filterIds(
  db: Kysely<Database>,
  scope: Scope,
  filter: Filter,
  exact: boolean,
): { ids: Ids; atom?: number } {
  const { orgId } = scope;
  if (filter.field.source === 'image') {
    const ids = db
      .selectFrom('images as c')
      .select('c.id as image_id')
      .where('c.org_id', '=', orgId)
      .where('c.deleted_at', 'is', null)
      .where(imageFilterPredicate('c', filter, false));
    return { ids: ids as unknown as Ids };
  }
  const atoms = atomsOf(filter);
  const driving = drivingAtom(atoms);
  const atom = atoms[driving]!;
  const distinct = filter.multiValued && atom.condition.op !== 'eq';
  // Both index tables have image_id and org_id; typed as user_fields for the builder.
  const table = `${atom.table} as x` as 'user_fields as x';
  let ids = db.selectFrom(table).select('x.image_id').where('x.org_id', '=', orgId).where(atomPredicate('x', atom));
  if (distinct) ids = ids.distinct();
  if (exact) {
    atoms.forEach((other, i) => {
      if (i !== driving) ids = ids.where(atomExists(scope, other, sql.ref('x.image_id')));
    });
  }
  return { ids: ids as unknown as Ids, atom: driving };
}
