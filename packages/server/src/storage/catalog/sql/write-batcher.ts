// Group commit for the embedded SQLite catalog. SQLite has one writer, and
// every commit pays for its own WAL frames and (with synchronous=FULL) an
// fsync, so one transaction per request caps writes at about a thousand a
// second. Instead, the write transactions that requests start in the same
// turn of the event loop run one after the other inside ONE database
// transaction, each in a savepoint of its own:
//
//  - every job sees the writes of the jobs before it (as if run serially);
//  - a job that throws is rolled back to its savepoint and rejected alone;
//    the others commit;
//  - no job's promise settles before the shared commit has returned, so a
//    reply still means "on disk" (with synchronous=FULL);
//  - if the commit itself fails, every job of the batch is rejected and
//    nothing of the batch is kept.
//
// A job must do all its work through the transaction it is given, never
// through the database handle (that would wait for the connection the batch
// holds) and never through the batcher (same). A job may be run twice: when
// a job of the batch fails, the batch is run again (see runBatch), so a job
// must have no effect outside its transaction (as DirectWrites' retries on
// PostgreSQL need too).

import { type ControlledTransaction, type Kysely, sql, type Transaction } from 'kysely';
import { asStorageError } from '../../storage-errors.ts';
import { enterTransaction, leaveTransaction, runDirect } from './direct-sqlite.ts';
import type { Database } from './schema.ts';

export type WriteJob<T> = (trx: Transaction<Database>) => Promise<T>;

export interface WriteRunner {
  run<T>(job: WriteJob<T>): Promise<T>;
  /** Resolves once every job queued so far has settled. */
  idle(): Promise<void>;
}

/**
 * Runs `job` in a transaction of its own, like Kysely's
 * transaction().execute(), except that a failure is reported as the job's
 * error even when the database rolled back by itself (SQLite on
 * SQLITE_FULL), where Kysely's own rollback would fail and replace it.
 * SQLITE_FULL is reported as a StorageFullError.
 */
export async function inTransaction<T>(db: Kysely<Database>, job: WriteJob<T>): Promise<T> {
  const trx = await db.startTransaction().execute();
  let result: T;
  try {
    result = await job(trx);
  } catch (error) {
    await abandon(trx);
    throw asStorageError(error);
  }
  try {
    await trx.commit().execute();
  } catch (error) {
    await abandon(trx);
    throw asStorageError(error);
  }
  return result;
}

/** PostgreSQL's unique_violation, serialization_failure, deadlock_detected. */
const RETRIED_CODES = new Set(['23505', '40001', '40P01']);
const MAX_ATTEMPTS = 8;

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One transaction per job: for databases with concurrent writers (PostgreSQL). */
export class DirectWrites implements WriteRunner {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Check-then-insert races between connections (two nodes saving the same
   * image hash, or two hashes that both want the same short hash) end in a
   * unique violation for the later writer, which waited for the earlier one
   * to commit; rerun, the job then sees the committed row and takes the
   * path a serial run would have taken (merge, a longer short hash). A job
   * only reads and writes through its transaction, so rerunning it is safe.
   * Deadlocks and serialization failures are retried the same way.
   */
  async run<T>(job: WriteJob<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.db, job);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !RETRIED_CODES.has(pgCode(error) ?? '')) throw error;
      }
    }
  }

  async idle(): Promise<void> {}
}

interface Pending {
  job: WriteJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Largest number of jobs in one transaction: bounds the latency a batch adds to its last job. */
export const MAX_BATCH = 128;

export class BatchedWrites implements WriteRunner {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  /** Batches committed and jobs run, for tests and diagnostics. */
  readonly stats = { batches: 0, jobs: 0, largest: 0 };

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(job: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every request that arrived in it
    // has had the chance to queue its write.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    let outcomes: Outcome[];
    try {
      outcomes = await this.runBatch(batch);
    } catch (error) {
      // The commit (or a savepoint statement) failed: nothing of the batch was kept.
      for (const pending of batch) pending.reject(asStorageError(error));
      this.afterFlush();
      return;
    }
    this.stats.batches++;
    this.stats.jobs += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(asStorageError(outcome.error));
    });
    this.afterFlush();
  }

  /**
   * The batch's outcomes once committed; throws the error that ended it when
   * nothing of it was kept. First without savepoints (two statements a job,
   * about 6 µs of a PATCH): when every job succeeds, as nearly all do, the
   * batch commits as it ran. When one fails its writes cannot be undone
   * alone, so the transaction is rolled back and the batch run again, each
   * job in a savepoint of its own.
   */
  private async runBatch(batch: Pending[]): Promise<Outcome[]> {
    return (await this.attempt(batch, false)) ?? (await this.attempt(batch, true))!;
  }

  /** One transaction over the batch; undefined when a job of several failed without savepoints (all rolled back). */
  private async attempt(batch: Pending[], savepoints: boolean): Promise<Outcome[] | undefined> {
    // A controlled transaction, not transaction().execute(): Kysely's own
    // rollback after a failure fails again ("cannot rollback - no transaction
    // is active") when SQLite has already rolled back by itself, as it does
    // on SQLITE_FULL, and that second error would hide the first.
    const trx = await this.db.startTransaction().execute();
    enterTransaction(this.db, trx);
    try {
      const outcomes: Outcome[] = [];
      for (const pending of batch) {
        if (savepoints) await statement(trx, 'savepoint origo_job');
        const outcome = await settle(pending.job, trx);
        if (!outcome.ok && !savepoints) {
          await abandon(trx);
          // Alone, the transaction was the job's own: the rollback undid just it.
          return batch.length === 1 ? [outcome] : undefined;
        }
        if (!outcome.ok) {
          // Without the savepoint SQLite ended the whole transaction (SQLITE_FULL,
          // SQLITE_IOERR): the writes of the jobs before are gone too, and the
          // job's error is the batch's.
          await statement(trx, 'rollback to origo_job').catch(() => {
            throw outcome.error;
          });
        }
        if (savepoints) await statement(trx, 'release origo_job');
        outcomes.push(outcome);
      }
      await trx.commit().execute();
      return outcomes;
    } catch (error) {
      await abandon(trx);
      throw error;
    } finally {
      leaveTransaction(trx);
    }
  }

  private afterFlush(): void {
    this.flushing = false;
    if (this.queue.length > 0) this.schedule();
  }
}

/**
 * Rolls back and frees the connection. SQLite may have rolled back by itself
 * already; then the rollback statement fails, which says nothing new: the
 * error that ended the transaction is the one reported.
 */
async function abandon(trx: ControlledTransaction<Database>): Promise<void> {
  await trx
    .rollback()
    .execute()
    .catch(() => {});
}

/** A statement without parameters, directly on SQLite when the transaction allows it. */
async function statement(trx: Transaction<Database>, sqlText: string): Promise<void> {
  await (runDirect(trx, sqlText, []) ?? sql.raw(sqlText).execute(trx));
}

async function settle(job: WriteJob<unknown>, trx: Transaction<Database>): Promise<Outcome> {
  try {
    return { ok: true, value: await job(trx) };
  } catch (error) {
    return { ok: false, error };
  }
}
