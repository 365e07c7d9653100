// Every search shape (search-shapes.ts) is answered from indexes on
// PostgreSQL too: EXPLAIN (FORMAT JSON) of every query the SQL builder makes
// must not read images, user_fields or search_terms by a Seq Scan, and every
// index scan on them must have the index's leading column (the organization,
// or an image id) in its Index Cond; an index read by a later column alone
// is read whole.
//
// With `enable_seqscan = off`: on a test-sized table a Seq Scan of a few
// pages is rightly the cheapest plan, so the planner's choice there says
// nothing about a million rows. With seq scans priced out, the planner shows
// the best index path it has, and a Seq Scan that is still chosen means no
// index can answer the query at all. Checked on an empty catalog and again
// after ANALYZE on a seeded one, since statistics change the choices.

import type { Compilable, Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/storage/catalog/sql/migrate.ts';
import { openPostgres } from '../src/storage/catalog/sql/postgres.ts';
import type { Database } from '../src/storage/catalog/sql/schema.ts';
import { SqlCatalog } from '../src/storage/catalog/sql/sql-catalog.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';
import { seedBesideAnother, shapeQueries } from './search-shapes.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];
/** Some 1,600 EXPLAINs (and a seed) a test: seconds alone, far longer beside other work on two cores. */
const PLANS_TIMEOUT_MS = 120_000;

/** Tables that grow with the images: read only through an index, from its leading column. */
const BIG_TABLES = new Set(['images', 'user_fields', 'search_terms']);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Alias?: string;
  Plans?: PlanNode[];
}

type IndexLeads = Map<string, { table: string; lead: string }>;

/** Each index on a big table: its table and its first column. */
async function indexLeads(client: pg.Client): Promise<IndexLeads> {
  const { rows } = await client.query<{ index: string; table: string; lead: string }>(
    `select ic.relname as index, tc.relname as table, a.attname as lead
       from pg_index x
       join pg_class ic on ic.oid = x.indexrelid
       join pg_class tc on tc.oid = x.indrelid
       join pg_attribute a on a.attrelid = x.indrelid and a.attnum = x.indkey[0]
      where tc.relname = any($1)`,
    [[...BIG_TABLES]],
  );
  return new Map(rows.map((r) => [r.index, { table: r.table, lead: r.lead }]));
}

function nodeProblems(node: PlanNode, leads: IndexLeads): string[] {
  const problems: string[] = [];
  const type = node['Node Type'];
  if (type === 'Seq Scan' && BIG_TABLES.has(node['Relation Name'] ?? ''))
    problems.push(`Seq Scan on ${node['Relation Name']} ${node.Alias ?? ''}`);
  if (type === 'Index Scan' || type === 'Index Only Scan' || type === 'Bitmap Index Scan') {
    const index = leads.get(node['Index Name'] ?? '');
    const cond = node['Index Cond'] ?? '';
    // PostgreSQL prints the index side of a condition first and unqualified: `(org_id = '7'::bigint)`, `(image_id = d.image_id)`.
    if (index && !new RegExp(`\\(${index.lead} = `).test(cond)) {
      problems.push(`${type} on ${node['Index Name']} without ${index.lead} in its Index Cond (${cond || 'none'})`);
    }
  }
  for (const child of node.Plans ?? []) problems.push(...nodeProblems(child, leads));
  return problems;
}

async function planProblems(client: pg.Client, leads: IndexLeads, query: Compilable): Promise<string[]> {
  const { sql, parameters } = query.compile();
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (format json) ${sql}`,
    parameters as unknown[],
  );
  const plan = rows[0]!['QUERY PLAN'][0].Plan;
  const problems = nodeProblems(plan, leads);
  if (problems.length === 0) return [];
  const { rows: text } = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, parameters as unknown[]);
  const shown = text.map((r) => r['QUERY PLAN']).join('\n      ');
  return problems.map((p) => `${p}\n    in: ${sql}\n    plan:\n      ${shown}`);
}

async function checkAll(
  db: Kysely<Database>,
  client: pg.Client,
  orgId: number,
): Promise<{ problems: string[]; plans: number }> {
  const leads = await indexLeads(client);
  const queries = shapeQueries(db, 'postgres', orgId);
  const problems: string[] = [];
  for (const { label, query } of queries)
    problems.push(...(await planProblems(client, leads, query)).map((p) => `${label}: ${p}`));
  return { problems, plans: queries.length };
}

describe.skipIf(!adminUrl)('search query plans on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let catalog: SqlCatalog;
  let client: pg.Client;
  let orgId: number;

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!);
    ({ db } = openPostgres(database.url, { poolSize: 2 }));
    await migrateToLatest(db, 'postgres');
    catalog = new SqlCatalog(db, 'postgres');
    orgId = (
      await catalog.createOrganization(
        { name: 'plan', displayName: 'plan', billingEmail: 'x@example.com', masterOrganization: 'plan' },
        new Date(),
      )
    ).id;
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('set enable_seqscan = off');
  });
  afterAll(async () => {
    await client?.end();
    await catalog?.close();
    await database?.drop();
  });

  it(
    'reads only through indexes, from the organization or an image id (no statistics)',
    async () => {
      const { problems, plans } = await checkAll(db, client, orgId);
      expect(plans).toBeGreaterThan(1000);
      expect(problems, `${problems.length} problems in ${plans} plans:\n${problems.slice(0, 5).join('\n\n')}`).toEqual(
        [],
      );
    },
    PLANS_TIMEOUT_MS,
  );

  it(
    'still does after ANALYZE on a seeded catalog',
    async () => {
      await seedBesideAnother(catalog, orgId, 1000);
      await client.query('analyze');
      const { problems, plans } = await checkAll(db, client, orgId);
      expect(problems, `${problems.length} problems in ${plans} plans:\n${problems.slice(0, 5).join('\n\n')}`).toEqual(
        [],
      );
    },
    PLANS_TIMEOUT_MS,
  );
});
