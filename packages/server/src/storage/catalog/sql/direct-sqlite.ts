// Statements of a SQLite write transaction, run straight on better-sqlite3.
// Through Kysely, a prepared point query or update costs 7-10 µs, of which
// SQLite's own work is about 3 µs (the rest is its executor: connection
// provider, promise hops, result mapping); a PATCH runs about a dozen of
// them (bench/RESULTS.md, issue 11). Only a transaction the write batcher
// has started gets the direct path: it holds the one connection, so its
// statements may run on the handle at once. A statement on the database
// itself still goes through Kysely, which waits for the connection: run
// directly, a read could see the writes of a batch not yet committed.

import type { Kysely, QueryResult, SqliteDatabase, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The handle under each database that openSqlite opened. */
const handles = new WeakMap<Kysely<Database>, SqliteDatabase>();
/** The handle under each write transaction under way. */
const transactions = new WeakMap<Db, SqliteDatabase>();

export function registerSqliteHandle(db: Kysely<Database>, handle: SqliteDatabase): void {
  handles.set(db, handle);
}

/** From now until leaveTransaction, `trx` (started on `db`, holding its connection) runs its prepared statements directly. */
export function enterTransaction(db: Kysely<Database>, trx: Transaction<Database>): void {
  const handle = handles.get(db);
  if (handle) transactions.set(trx, handle);
}

export function leaveTransaction(trx: Transaction<Database>): void {
  transactions.delete(trx);
}

/** Whether `db` is a write transaction whose statements run directly (runDirectNow answers for it). */
export function isDirect(db: Db): boolean {
  return transactions.has(db);
}

/**
 * The statement's result as Kysely's SQLite driver gives it, at once (a
 * failure is thrown), or undefined when `db` is not a transaction that runs
 * directly.
 */
export function runDirectNow<R>(db: Db, sqlText: string, parameters: readonly unknown[]): QueryResult<R> | undefined {
  const handle = transactions.get(db);
  if (!handle) return undefined;
  // The handle keeps its prepared statements (sqlite.ts): preparing is not repeated.
  const statement = handle.prepare(sqlText);
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}

/** runDirectNow as a promise, or undefined when `db` is not a transaction that runs directly. */
export function runDirect<R>(
  db: Db,
  sqlText: string,
  parameters: readonly unknown[],
): Promise<QueryResult<R>> | undefined {
  if (!transactions.has(db)) return undefined;
  try {
    return Promise.resolve(runDirectNow<R>(db, sqlText, parameters)!);
  } catch (error) {
    return Promise.reject(error);
  }
}
