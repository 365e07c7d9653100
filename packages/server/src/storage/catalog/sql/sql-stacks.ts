// Stacks and signing keys on SQL through Kysely; the same statements on
// SQLite and PostgreSQL. Every write is one statement or one short
// transaction through DirectWrites, which reruns a transaction that lost a
// unique race on PostgreSQL (two nodes creating one stack name): the rerun
// sees the winner's row.

import { type Kysely, type Selectable, sql } from 'kysely';
import type { StackDefinition } from '../../../render/model.ts';
import type { SigningKey, StackList, StackRecord, Stacks } from '../stacks.ts';
import type { Database, Dialect, StacksTable } from './schema.ts';
import { DirectWrites } from './write-batcher.ts';

function toStack(row: Selectable<StacksTable>): StackRecord {
  return {
    orgId: Number(row.org_id),
    name: row.name,
    // Written only by this class, from a checked StackDefinition.
    definition: JSON.parse(row.definition) as StackDefinition,
    created: new Date(Number(row.created)),
    updated: new Date(Number(row.updated)),
    cacheGeneration: Number(row.cache_generation),
  };
}

export class SqlStacks implements Stacks {
  private readonly writes: DirectWrites;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.writes = new DirectWrites(db);
  }

  async createStack(
    orgId: number,
    name: string,
    definition: StackDefinition,
    now: Date,
  ): Promise<StackRecord | 'exists'> {
    const row = await this.db
      .insertInto('stacks')
      .values({
        org_id: orgId,
        name,
        definition: JSON.stringify(definition),
        created: now.getTime(),
        updated: now.getTime(),
      })
      .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toStack(row) : 'exists';
  }

  async overwriteStack(
    orgId: number,
    name: string,
    definition: StackDefinition,
    now: Date,
  ): Promise<{ stack: StackRecord; created: boolean }> {
    return this.writes.run(async (trx) => {
      const existing = await trx
        .selectFrom('stacks')
        .select('name')
        .where('org_id', '=', orgId)
        .where('name', '=', name)
        .$if(this.dialect === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
      const text = JSON.stringify(definition);
      if (existing) {
        const row = await trx
          .updateTable('stacks')
          .set({ definition: text, updated: now.getTime() })
          .where('org_id', '=', orgId)
          .where('name', '=', name)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { stack: toStack(row), created: false };
      }
      const row = await trx
        .insertInto('stacks')
        .values({ org_id: orgId, name, definition: text, created: now.getTime(), updated: now.getTime() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { stack: toStack(row), created: true };
    });
  }

  async findStack(orgId: number, name: string): Promise<StackRecord | undefined> {
    const row = await this.db
      .selectFrom('stacks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toStack(row);
  }

  async listStacks(orgId: number, page: { limit: number; offset: number }): Promise<StackList> {
    const [count, rows] = await Promise.all([
      this.db
        .selectFrom('stacks')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('org_id', '=', orgId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('stacks')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('name')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
    ]);
    return { total: Number(count.n), items: rows.map(toStack) };
  }

  async deleteStack(orgId: number, name: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('stacks')
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async bumpCacheGeneration(orgId: number, name: string): Promise<number | undefined> {
    const row = await this.db
      .updateTable('stacks')
      .set({ cache_generation: sql<number>`cache_generation + 1` })
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .returning('cache_generation')
      .executeTakeFirst();
    return row && Number(row.cache_generation);
  }

  async signingKeys(orgId: number, make: () => string, now: Date): Promise<SigningKey[]> {
    const read = () =>
      this.db
        .selectFrom('signing_keys')
        .select(['key', 'created'])
        .where('org_id', '=', orgId)
        .orderBy('seq')
        .execute();
    let rows = await read();
    if (rows.length === 0) {
      // Insert-if-absent, then read: of nodes racing here, one row wins and all read it.
      await this.db
        .insertInto('signing_keys')
        .values({ org_id: orgId, seq: 0, key: make(), created: now.getTime() })
        .onConflict((oc) => oc.columns(['org_id', 'seq']).doNothing())
        .execute();
      rows = await read();
    }
    return rows.map((r) => ({ key: r.key, created: new Date(Number(r.created)) }));
  }
}
