// Search on SQL (issue 4): a parsed Search becomes a few Kysely queries, each
// answered from an index. Values only ever travel as bound parameters; the
// only identifiers spliced in come from closed sets in this file.
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
//   PostgreSQL only (rowScope below): it may answer them from a value index
//   that leads with org_id, while SQLite must keep to the primary key.
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

import { type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import {
  type Condition,
  type Filter,
  type FacetRequest,
  MAX_FACET_VALUES,
  prefixUpperBound,
  type SortKey,
  type SortPosition,
} from '../../../../images/search-query.ts';
import type { SearchQuery } from '../../catalog.ts';
import type { Database, Dialect, ImagesTable } from '../schema.ts';

/** What the catalog is asked: a parsed search plus the start of the restore window. */
export type SearchInput = SearchQuery;

/** Probes count at most this many candidate rows; fewer means the filter is selective enough to drive. */
export const PROBE_LIMIT = 20_000;
/**
 * Up to this many matches, one query returns every match's id and sort
 * values in order (the total is their number, the page a slice) instead of
 * a page query and a count query that would each visit every match.
 */
export const COLLECT_LIMIT = 100_000;

type Pred = RawBuilder<SqlBool>;
type SearchDb = Database & { i: ImagesTable };
type ImageRow = Selectable<ImagesTable> & Record<string, unknown>;

const NUMERIC_COLUMNS = new Set(['size', 'width', 'height', 'created', 'deleted_at']);

function and(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0]!;
  return sql<SqlBool>`(${sql.join(preds, sql` and `)})`;
}

function or(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0]!;
  return sql<SqlBool>`(${sql.join(preds, sql` or `)})`;
}

/** `expr` compared by a condition (eq, prefix or range; tokens are split into atoms before). */
function compare(expr: RawBuilder<unknown>, condition: Exclude<Condition, { op: 'tokens' }>): Pred {
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
      if (condition.min) parts.push(condition.min.inclusive ? sql<SqlBool>`${expr} >= ${condition.min.value}` : sql<SqlBool>`${expr} > ${condition.min.value}`);
      if (condition.max) parts.push(condition.max.inclusive ? sql<SqlBool>`${expr} <= ${condition.max.value}` : sql<SqlBool>`${expr} < ${condition.max.value}`);
      return and(parts);
    }
  }
}

// ---------------------------------------------------------------------------
// Filters on index tables (user_fields, search_terms)

/** One index-row condition: a filter on a text field is one atom per word. */
interface Atom {
  table: 'user_fields' | 'search_terms';
  name: string;
  /** user_fields rows also carry the field's type. */
  type?: string;
  column: 'str' | 'num';
  condition: Exclude<Condition, { op: 'tokens' }>;
}

function atomsOf(filter: Filter): Atom[] {
  const { field, condition } = filter;
  if (field.source === 'image') throw new Error('image filters have no atoms');
  const base = field.source === 'user'
    ? { table: 'user_fields' as const, name: field.name, type: field.type, column: field.column }
    : { table: 'search_terms' as const, name: field.name, column: field.column };
  if (condition.op !== 'tokens') return [{ ...base, condition }];
  const atoms: Atom[] = condition.tokens.map((token, i) => ({
    ...base,
    condition: condition.prefix && i === condition.tokens.length - 1 ? { op: 'prefix', value: token } : { op: 'eq', value: token },
  }));
  // No words but a trailing *: the field is present.
  return atoms.length > 0 ? atoms : [{ ...base, condition: { op: 'prefix', value: '' } }];
}

/** The atom that best drives: an exact word, the longest first (a rough guess at the rarest). */
function drivingAtom(atoms: Atom[]): number {
  let best = 0;
  const score = (a: Atom) => (a.condition.op === 'eq' ? 1000 : 0) + String((a.condition as { value?: unknown }).value ?? '').length;
  atoms.forEach((a, i) => {
    if (score(a) > score(atoms[best]!)) best = i;
  });
  return best;
}

function atomPredicate(alias: string, atom: Atom): Pred {
  const parts: Pred[] = [sql<SqlBool>`${sql.ref(`${alias}.name`)} = ${atom.name}`];
  if (atom.type !== undefined) parts.push(sql<SqlBool>`${sql.ref(`${alias}.type`)} = ${atom.type}`);
  parts.push(compare(sql.ref(`${alias}.${atom.column}`), atom.condition));
  return and(parts);
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
function rowScope(scope: Scope, alias: string, presentColumn?: 'str' | 'num'): Pred[] {
  if (scope.dialect !== 'postgres') return [];
  const preds = [sql<SqlBool>`${sql.ref(`${alias}.org_id`)} = ${scope.orgId}`];
  if (presentColumn) preds.push(sql<SqlBool>`${sql.ref(`${alias}.${presentColumn}`)} is not null`);
  return preds;
}

/** EXISTS of an atom's row for the image `imageId` (on SQLite a lookup on the (image_id, name, …) primary key). */
function atomExists(scope: Scope, atom: Atom, imageId: RawBuilder<unknown>): Pred {
  const where = and([sql<SqlBool>`y.image_id = ${imageId}`, ...rowScope(scope, 'y'), atomPredicate('y', atom)]);
  return sql<SqlBool>`exists (select 1 from ${sql.table(atom.table)} as y where ${where})`;
}

/** User field types stored as exactly one row, seq 0: a residual check on them is a join, not an EXISTS. */
const SINGLE_ROW_TYPES = new Set(['str', 'int', 'double', 'date', 'latlon']);

function isSingleRow(filter: Filter): boolean {
  return filter.field.source === 'user' && SINGLE_ROW_TYPES.has(filter.field.type) && filter.condition.op !== 'tokens';
}

// ---------------------------------------------------------------------------
// Filters on image columns

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

// ---------------------------------------------------------------------------
// Per filter: the predicate on a row of images i, and the ids from an index

/**
 * Whether row i matches the filter; `skipAtom` leaves out the atom a driver
 * already checked. Index-table checks correlate on `imageId`: the driver's
 * d.image_id lets SQLite run them before it reads the (wide) images row.
 */
function filterPredicate(scope: Scope, filter: Filter, noIndex: boolean, skipAtom?: number, imageId = 'i.id'): Pred | undefined {
  if (filter.field.source === 'image') return skipAtom === undefined ? imageFilterPredicate('i', filter, noIndex) : undefined;
  const parts = atomsOf(filter)
    .filter((_, i) => i !== skipAtom)
    .map((atom) => atomExists(scope, atom, sql.ref(imageId)));
  return parts.length === 0 ? undefined : and(parts);
}

type Ids = SelectQueryBuilder<Database, never, { image_id: number }>;

/**
 * The ids of the images matching a filter, read from an index. For a live
 * listing an image filter also checks liveness (its partial index needs it);
 * index-table ids are checked for liveness by the join on images. With
 * `exact`, a multi-word filter checks its other words too (for UNION).
 */
function filterIds(db: Kysely<Database>, scope: Scope, filter: Filter, exact: boolean): { ids: Ids; atom?: number } {
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
  let ids = db
    .selectFrom(table)
    .select('x.image_id')
    .where('x.org_id', '=', orgId)
    .where(atomPredicate('x', atom));
  if (distinct) ids = ids.distinct();
  if (exact) {
    atoms.forEach((other, i) => {
      if (i !== driving) ids = ids.where(atomExists(scope, other, sql.ref('x.image_id')));
    });
  }
  return { ids: ids as unknown as Ids, atom: driving };
}

// ---------------------------------------------------------------------------
// Sorting and the keyset

interface SortExpr {
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

function sortExprs(sort: SortKey[]): SortExpr[] {
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
    return { key, expr, order: sql`${sql.ref(alias)}`, nullable: true, alias, join: { table, name: field.name, type: field.type, column: field.column } };
  });
}

/** Adds the sort's user field joins and selects their values as k0, k1, … */
function withSortValues<O>(scope: Scope, query: SelectQueryBuilder<SearchDb, 'i', O>, exprs: SortExpr[]): SelectQueryBuilder<SearchDb, 'i', O> {
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

function hashIsKey(sort: SortKey[]): boolean {
  return sort.some((k) => k.field.source === 'image' && k.field.column === 'hash');
}

/** Rows after `position` in the order of `exprs` then hash (nulls last in both directions). */
function afterPredicate(exprs: SortExpr[], position: SortPosition, tieBreak: boolean): Pred {
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
    const bound = first.key.direction === 'asc' ? sql<SqlBool>`${first.expr} >= ${firstValue}` : sql<SqlBool>`${first.expr} <= ${firstValue}`;
    return and([bound, predicate]);
  }
  return predicate;
}

// ---------------------------------------------------------------------------
// The plan

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

type Count = SelectQueryBuilder<Database, never, { n: number | bigint | string }>;
type Page = SelectQueryBuilder<SearchDb, 'i', ImageRow>;

export interface KeyRow {
  id: number;
  /** 1 when the row comes after the cursor. */
  after?: number;
  [sortValue: string]: unknown;
}

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
  segments?: {
    /** Images having the first sort field, along its index (cursor applied unless it lies in segment b). */
    a(offset: number, limit: number): Page;
    /** How many images segment a holds in all, for numeric offsets past it. */
    aCount: Count;
    /** Images without the field, by the other keys and hash (cursor applied when it lies here). */
    b(offset: number, limit: number): Page;
  };
  /** The total (absent when org_image_counts answers it). */
  count?: SelectQueryBuilder<Database, never, { n: number | bigint | string }>;
  facets: { facet: FacetRequest; query: SelectQueryBuilder<Database, never, { value: string | null; n: number | bigint | string }> }[];
}

/** Probe queries: how many candidate rows each filter's index yields, capped at PROBE_LIMIT. */
export function probeQueries(db: Kysely<Database>, scope: Scope, search: SearchInput): SelectQueryBuilder<Database, never, { n: number }>[] {
  if (search.deleted || search.operator === 'or' || search.filters.length === 0) return [];
  return search.filters.map((filter) => {
    const { ids } = filterIds(db, scope, filter, false);
    return db.selectFrom(ids.limit(PROBE_LIMIT).as('p')).select((eb) => eb.fn.countAll<number>().as('n')) as unknown as SelectQueryBuilder<Database, never, { n: number }>;
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
  if (search.filters.length === 0) return userSort ? [{ walk: false }, { walk: false, sortDriven: true }] : [{ walk: false }];
  const all: PlanChoice[] = search.filters.map((_, driver) => ({ driver, walk: false }));
  if (userSort) all.push(...search.filters.map((_, driver) => ({ driver, walk: false, sortDriven: true })));
  else all.push({ driver: 0, walk: true });
  return all;
}

export function searchQueries(db: Kysely<Database>, scope: Scope, search: SearchInput, choice: PlanChoice): SearchQueries {
  const { orgId } = scope;
  const live = !search.deleted;
  const filters = search.filters;
  const orMode = search.operator === 'or' && filters.length > 1;
  const state = live ? sql<SqlBool>`i.deleted_at is null` : sql<SqlBool>`i.deleted_at >= ${search.deletedSince.getTime()}`;

  // FROM and WHERE for "the matching images", in the driver form unless `walk`.
  const matching = (walk: boolean) => {
    const where: Pred[] = [sql<SqlBool>`i.org_id = ${orgId}`, state];
    let from: SelectQueryBuilder<SearchDb, 'i', object>;
    const plain = () => db.selectFrom('images as i') as unknown as SelectQueryBuilder<SearchDb, 'i', object>;
    /** (ids) d, then the single-row user filters' rows, then images i: CROSS JOIN keeps that order. */
    const driven = (ids: SelectQueryBuilder<Database, never, { image_id: number }>, joined: Filter[] = []) => {
      let q = db.selectFrom(ids.as('d')) as unknown as SelectQueryBuilder<SearchDb & { d: { image_id: number } }, 'd', object>;
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
        const onSortColumn = f.field.source === 'image' && firstSort?.source === 'image' && firstSort.column === f.field.column;
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
  };

  const queries: SearchQueries = { facets: [] };

  const ordered = <O>(q: SelectQueryBuilder<SearchDb, 'i', O>, exprs: SortExpr[], tieBreak: boolean) => {
    let out = q;
    for (const e of exprs) {
      out = out.orderBy(e.order, (ob) => {
        const dir = e.key.direction === 'asc' ? ob.asc() : ob.desc();
        return e.nullable ? dir.nullsLast() : dir;
      });
    }
    return tieBreak ? out.orderBy('i.hash', 'asc') : out;
  };

  const exprs = sortExprs(search.sort);
  const tieBreak = !hashIsKey(search.sort);

  // A sort-driven page: along the first sort field's index, then the images without it.
  if (search.limit > 0 && choice.sortDriven && live && search.sort[0]?.field.source === 'user') {
    const [first, ...rest] = exprs as [SortExpr, ...SortExpr[]];
    const field = search.sort[0].field;
    const s0 = first.join!.table;
    const col = sql.ref(`${s0}.${field.column}`);
    const base: Pred[] = [sql<SqlBool>`i.org_id = ${orgId}`, sql<SqlBool>`i.deleted_at is null`, ...filters.map((f) => filterPredicate(scope, f, true)!)];
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
      db.selectFrom(`user_fields as ${s0}` as 'user_fields as s').crossJoin('images as i') as unknown as SelectQueryBuilder<SearchDb, 'i', object>;
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
    queries.segments = {
      a: (offset, limit) => {
        const q = withSortValues(scope, fromA().selectAll('i').select(first.expr.as(first.alias!)) as unknown as Page, rest).where(and(aWhere));
        return ordered(q, [{ ...first, order: first.expr, nullable: false }, ...rest], tieBreak).limit(limit).offset(offset);
      },
      aCount: fromA().select((eb) => eb.fn.countAll().as('n')).where(and(having)) as unknown as Count,
      b: (offset, limit) => {
        const q = withSortValues(scope, db.selectFrom('images as i').selectAll('i').select(sql`null`.as(first.alias!)) as unknown as Page, rest).where(and(bWhere));
        return ordered(q, rest, tieBreak).limit(limit).offset(offset);
      },
    };
  }

  // The page.
  if (search.limit > 0 && !queries.segments) {
    const { from, where } = matching(choice.walk);
    if (search.after) where.push(afterPredicate(exprs, search.after, tieBreak));
    let items = ordered(withSortValues(scope, from.selectAll('i') as unknown as Page, exprs).where(and(where)), exprs, tieBreak);
    items = items.limit(search.limit + 1);
    if (search.offset) items = items.offset(search.offset);
    queries.items = items;
  }

  // Every match in order, when they come from a driver and a page is wanted.
  if (search.limit > 0 && !choice.walk && !queries.segments && !(live && filters.length === 0)) {
    const { from, where } = matching(false);
    let keys = withSortValues(scope, from.select('i.id') as unknown as SelectQueryBuilder<SearchDb, 'i', KeyRow>, exprs);
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
    const { from, where } = matching(false);
    queries.count = from.select((eb) => eb.fn.countAll().as('n')).where(and(where)) as unknown as Count;
  }

  // Facets over every match.
  for (const facet of search.facets) {
    if (live && filters.length === 0) {
      // Over a whole organization: every row of the field, grouped along its
      // index, less the rows of the (few) deleted images. Cheaper than
      // checking each row for deletion.
      const ofField = and([sql<SqlBool>`f.name = ${facet.name}`, sql<SqlBool>`f.type = ${facet.type}`, sql<SqlBool>`f.str is not null`]);
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
      queries.facets.push({ facet, query: query as unknown as SearchQueries['facets'][number]['query'] });
      continue;
    }
    const { from, where } = matching(false);
    const query = (from as unknown as SelectQueryBuilder<SearchDb, 'i', object>)
      .crossJoin('user_fields as f')
      .select((eb) => ['f.str as value', eb.fn.countAll().as('n')])
      .where(and([...where, sql<SqlBool>`f.image_id = i.id`, ...rowScope(scope, 'f'), sql<SqlBool>`f.name = ${facet.name}`, sql<SqlBool>`f.type = ${facet.type}`]))
      .groupBy('f.str')
      .orderBy('n', 'desc')
      .orderBy('value', 'asc')
      .limit(MAX_FACET_VALUES);
    queries.facets.push({ facet, query: query as unknown as SearchQueries['facets'][number]['query'] });
  }
  return queries;
}

// ---------------------------------------------------------------------------
// Running it

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
/** Whether a cursor points into the images without the first sort field (segment b of a sort-driven page). */
function afterInSegmentB(search: SearchQuery): boolean {
  return search.after !== undefined && search.after.values[0] === null;
}

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
export async function runPlan(db: Kysely<Database>, scope: Scope, search: SearchInput, choice: PlanChoice): Promise<SearchRows> {
  const { orgId } = scope;
  const queries = searchQueries(db, scope, search, choice);
  const total = async () => (queries.count ? Number((await queries.count.executeTakeFirstOrThrow()).n) : liveCount(db, orgId));
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
      if (!inB && offset > 0 && found.length === 0) bOffset = Math.max(0, offset - Number((await aCount.executeTakeFirstOrThrow()).n));
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
        const rows = await db.selectFrom('images').selectAll().where('id', 'in', pageKeys.map((k) => k.id)).execute();
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
  return { total: count, rows: page, positions: page.map((r) => positionOf(r, search.sort)), hasMore, facets: await facets() };
}
