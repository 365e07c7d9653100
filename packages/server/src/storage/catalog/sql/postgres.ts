// The scale-out catalog: PostgreSQL through node-postgres, a pool per process.

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// The catalog keeps times as epoch milliseconds and ids/sizes/counts in
// bigint columns; node-postgres hands int8 over as a string by default (it
// may exceed 2^53). Every value origo stores is far below 2^53, and the
// queries and the SQLite side expect numbers, so int8 becomes a number here,
// for this pool only (not through pg's process-wide parser table).
const INT8_OID = 20;
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const CONNECT_TIMEOUT_MS = 10_000;

export interface PostgresOptions {
  /** Connections this process keeps at most (ORIGO_DATABASE_POOL). */
  poolSize: number;
}

export function openPostgres(url: string, options: PostgresOptions): { db: Kysely<Database>; pool: pg.Pool } {
  // pg waits for a connection forever by default: a server that drops
  // packets (not refuses) would hang every request and the start.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize, types: typeParsers, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client whose server went away (PostgreSQL restarted) emits
  // 'error' on the pool; unhandled, that would end the process. The next
  // query gets a fresh connection and reports its own error.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
