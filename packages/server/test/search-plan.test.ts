// Every search shape (search-shapes.ts) is answered from indexes on SQLite:
// EXPLAIN QUERY PLAN of every query the SQL builder makes (keys, items,
// total, facets, probes; for every possible driver) must not scan a table,
// must not scan an index without a constraint, and must not search an index
// without the organization (or an image id) as its constraint. Checked on an
// empty catalog and again after ANALYZE on a seeded one, since statistics
// change the planner's choices.

import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/storage/catalog/sql/migrate.ts';
import type { Database } from '../src/storage/catalog/sql/schema.ts';
import { SqlCatalog } from '../src/storage/catalog/sql/sql-catalog.ts';
import { openSqlite } from '../src/storage/catalog/sql/sqlite.ts';
import { seedBesideAnother, shapeQueries } from './search-shapes.ts';

/** A seed and some 1,600 plans: seconds alone, far longer beside other work on two cores. */
const SEEDED_TIMEOUT_MS = 120_000;

/** Aliases of derived tables (driver ids, probe candidates): scanning those is reading a subquery's rows. */
const DERIVED = new Set(['d', 'p']);

function planProblems(raw: BetterSqlite3.Database, query: Compilable): string[] {
  const { sql, parameters } = query.compile();
  const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(parameters as unknown[])) as { detail: string }[];
  const problems: string[] = [];
  for (const { detail } of plan) {
    const scan = /^SCAN (\S+)/.exec(detail);
    if (scan && !DERIVED.has(scan[1]!)) problems.push(detail);
    const search = /^SEARCH (\S+)/.exec(detail);
    if (search && !DERIVED.has(search[1]!) && !/\((org_id=\?|image_id=\?|rowid=\?)/.test(detail)) problems.push(detail);
  }
  return problems.map((p) => `${p}\n    in: ${sql}\n    plan: ${plan.map((r) => r.detail).join(' | ')}`);
}

function checkAll(db: Kysely<Database>, raw: BetterSqlite3.Database, orgId: number): string[] {
  return shapeQueries(db, 'sqlite', orgId).flatMap(({ label, query }) =>
    planProblems(raw, query).map((p) => `${label}: ${p}`),
  );
}

describe('search query plans', () => {
  let db: Kysely<Database>;
  let raw: BetterSqlite3.Database;
  let catalog: SqlCatalog;
  let orgId: number;

  beforeAll(async () => {
    ({ db, raw } = openSqlite(':memory:'));
    await migrateToLatest(db, 'sqlite');
    catalog = new SqlCatalog(db, 'sqlite');
    orgId = (
      await catalog.createOrganization(
        { name: 'plan', displayName: 'plan', billingEmail: 'x@example.com', masterOrganization: 'plan' },
        new Date(),
      )
    ).id;
  });
  afterAll(() => catalog.close());

  it('reads only through indexes, with the organization as constraint (no statistics)', () => {
    const problems = checkAll(db, raw, orgId);
    expect(problems, problems.slice(0, 5).join('\n\n')).toEqual([]);
  });

  it(
    'still does after ANALYZE on a seeded catalog',
    async () => {
      await seedBesideAnother(catalog, orgId, 1000);
      raw.exec('ANALYZE');
      const problems = checkAll(db, raw, orgId);
      expect(problems, problems.slice(0, 5).join('\n\n')).toEqual([]);
    },
    SEEDED_TIMEOUT_MS,
  );
});
