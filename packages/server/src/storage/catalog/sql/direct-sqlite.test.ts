import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepared } from './prepared.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite.ts';
import { BatchedWrites } from './write-batcher.ts';

// A table outside origo's schema: the queries are typed loosely.
type Loose = Kysely<Database> & Kysely<{ t: { v: number } }>;

let db: Kysely<Database>;
let writes: BatchedWrites;

beforeEach(async () => {
  db = openSqlite(':memory:').db;
  await sql`create table t (v integer primary key)`.execute(db);
  writes = new BatchedWrites(db);
});

afterEach(async () => {
  await writes.idle();
  await db.destroy();
});

const insert = prepared((d, a) => (d as unknown as Loose).insertInto('t').values({ v: a(0) }));
const all = prepared((d) => (d as unknown as Loose).selectFrom('t').select('v').orderBy('v'));
const values = async (d: Parameters<typeof all.run>[0]) =>
  (await all.run(d, [])).rows.map((r) => (r as { v: number }).v);

describe('prepared statements in batched write transactions', () => {
  it('see the writes of the jobs before them and roll back with their own job alone', async () => {
    const results = await Promise.allSettled([
      writes.run(async (trx) => {
        await insert.run(trx, [1]);
        return values(trx);
      }),
      writes.run(async (trx) => {
        await insert.run(trx, [2]);
        throw new Error('job failed after writing');
      }),
      writes.run(async (trx) => {
        await insert.run(trx, [3]);
        return values(trx);
      }),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      [1],
      'job failed after writing',
      [1, 3],
    ]);
    expect(await values(db)).toEqual([1, 3]);
  });

  it('fail with SQLite error of the statement, as through Kysely', async () => {
    await writes.run((trx) => insert.run(trx, [1]));
    const clash = writes.run((trx) => insert.run(trx, [1]));
    await expect(clash).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await values(db)).toEqual([1]);
  });

  it('outside the transaction wait for its commit: a read never sees writes not yet committed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const job = writes.run(async (trx) => {
      await insert.run(trx, [7]);
      wrote();
      await gate;
    });
    await written;
    let seen: number[] | undefined;
    const read = values(db).then((v) => {
      seen = v;
    });
    // Several turns of the event loop: a read run on the connection at once would be done by now.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBeUndefined();
    release();
    await job;
    await read;
    expect(seen).toEqual([7]);
  });
});
