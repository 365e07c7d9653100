import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite.ts';
import { BatchedWrites, MAX_BATCH } from './write-batcher.ts';

let db: Kysely<Database>;
let writes: BatchedWrites;

beforeEach(async () => {
  db = openSqlite(':memory:').db;
  await sql`create table t (v integer primary key)`.execute(db);
  // A foreign key checked only at commit: lets a test make the commit itself fail.
  await sql`create table child (p integer references t (v) deferrable initially deferred)`.execute(db);
  writes = new BatchedWrites(db);
});

afterEach(async () => {
  await writes.idle();
  await db.destroy();
});

const insert = (v: number) => writes.run((trx) => sql`insert into t (v) values (${v})`.execute(trx));
const stored = async () => (await sql<{ v: number }>`select v from t order by v`.execute(db)).rows.map((r) => r.v);

describe('BatchedWrites', () => {
  it('runs the writes queued in one turn in one transaction', async () => {
    await Promise.all([1, 2, 3, 4, 5].map(insert));
    expect(writes.stats).toEqual({ batches: 1, jobs: 5, largest: 5 });
    expect(await stored()).toEqual([1, 2, 3, 4, 5]);
  });

  it('rolls back a failing job alone, after its own writes, and keeps the others', async () => {
    const results = await Promise.allSettled([
      insert(1),
      writes.run(async (trx) => {
        await sql`insert into t (v) values (2)`.execute(trx);
        throw new Error('job failed after writing');
      }),
      insert(1), // primary key clash with the first: fails alone
      insert(3),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('job failed after writing');
    expect(writes.stats.batches).toBe(1);
    expect(await stored()).toEqual([1, 3]);
  });

  it('gives every job the outcome of a serial run when one of the batch fails after writing', async () => {
    const count = async (trx: Parameters<Parameters<typeof writes.run>[0]>[0]) =>
      (await sql<{ n: number }>`select count(*) as n from t`.execute(trx)).rows[0]!.n;
    const results = await Promise.allSettled([
      insert(1),
      writes.run(async (trx) => {
        await sql`insert into t (v) values (${10 + (await count(trx))})`.execute(trx);
        return count(trx);
      }),
      writes.run(async (trx) => {
        await sql`insert into t (v) values (99)`.execute(trx);
        throw new Error('job failed after writing');
      }),
      writes.run(count),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      expect.anything(),
      2,
      'job failed after writing',
      2,
    ]);
    expect(writes.stats).toEqual({ batches: 1, jobs: 4, largest: 4 });
    expect(await stored()).toEqual([1, 11]);
  });

  it('rolls back a failing job that runs alone', async () => {
    await expect(
      writes.run(async (trx) => {
        await sql`insert into t (v) values (7)`.execute(trx);
        throw new Error('alone');
      }),
    ).rejects.toThrow('alone');
    expect(await stored()).toEqual([]);
  });

  it('rejects every job of a batch whose commit fails, and keeps none of them', async () => {
    const results = await Promise.allSettled([
      insert(1),
      writes.run((trx) => sql`insert into child (p) values (99)`.execute(trx)), // no t row 99: fails at commit
      insert(2),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(await stored()).toEqual([]);
    // The batcher goes on working.
    await insert(4);
    expect(await stored()).toEqual([4]);
  });

  it('lets each job see the writes of the jobs before it', async () => {
    const seen: number[][] = [];
    const job = (v: number) =>
      writes.run(async (trx) => {
        await sql`insert into t (v) values (${v})`.execute(trx);
        seen.push((await sql<{ v: number }>`select v from t order by v`.execute(trx)).rows.map((r) => r.v));
      });
    await Promise.all([job(1), job(2), job(3)]);
    expect(seen).toEqual([[1], [1, 2], [1, 2, 3]]);
  });

  it('runs writes queued during a batch in the next one, and caps a batch at MAX_BATCH', async () => {
    const first = insert(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is under way
    const more = Array.from({ length: MAX_BATCH + 10 }, (_, i) => insert(100 + i));
    await Promise.all([first, ...more]);
    expect(writes.stats.jobs).toBe(MAX_BATCH + 11);
    expect(writes.stats.largest).toBe(MAX_BATCH);
    expect(writes.stats.batches).toBeGreaterThanOrEqual(3);
    expect((await stored()).length).toBe(MAX_BATCH + 11);
  });
});

describe('BatchedWrites on a full database (max_page_count)', () => {
  // SQLite rolls back the whole transaction by itself on SQLITE_FULL; the
  // batcher must report SQLITE_FULL, not a failed rollback after it.
  let full: ReturnType<typeof openSqlite>;
  let fullWrites: BatchedWrites;
  const big = Buffer.alloc(30_000, 7);
  const insertBig = () => fullWrites.run((trx) => sql`insert into b (v) values (${big})`.execute(trx));
  const count = async () => (await sql<{ n: number }>`select count(*) as n from b`.execute(full.db)).rows[0]!.n;

  beforeEach(async () => {
    full = openSqlite(':memory:');
    await sql`create table b (v blob)`.execute(full.db);
    fullWrites = new BatchedWrites(full.db);
  });
  afterEach(async () => {
    await fullWrites.idle();
    await full.db.destroy();
  });

  it('rejects a lone job with SQLITE_FULL and works again once there is room', async () => {
    full.raw.pragma('max_page_count = 4');
    await expect(insertBig()).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect(full.raw.inTransaction).toBe(false);
    expect(await count()).toBe(0);
    full.raw.pragma('max_page_count = 100000');
    await insertBig();
    expect(await count()).toBe(1);
  });

  it('rejects every job of a batch with SQLITE_FULL when one overflows, and keeps none', async () => {
    full.raw.pragma('max_page_count = 20'); // room for two rows of 30 kB, not three
    const results = await Promise.allSettled([insertBig(), insertBig(), insertBig()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_FULL' });
    expect(full.raw.inTransaction).toBe(false);
    expect(await count()).toBe(0);
    full.raw.pragma('max_page_count = 100000');
    await Promise.all([insertBig(), insertBig(), insertBig()]);
    expect(await count()).toBe(3);
  });
});
