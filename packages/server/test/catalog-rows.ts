// Rows of a test server's catalog, read (or written, to break or age things
// behind its back) on a connection of the test's own: the SQLite file in its
// data folder, or its PostgreSQL database when the run gave it one. The SQL
// is written once with `?` placeholders and runs on either dialect.

import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { IndexRow } from '../src/storage/catalog/catalog.ts';

export type { IndexRow };

/** What says where a server's catalog is: a TestServer, or a bare data folder (SQLite). */
export interface CatalogOf {
  dataDir: string;
  config?: { databaseUrl?: string | undefined };
}

export type Dialect = 'sqlite' | 'postgres';

export const dialectOf = (target: CatalogOf): Dialect =>
  target.config?.databaseUrl === undefined ? 'sqlite' : 'postgres';

const INT8_OID = 20;
// Counts and epoch-millisecond columns are bigint on PostgreSQL; as numbers,
// rows compare equal to what the SQLite side gives.
const numericInt8 = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * Runs `work` with a `run` function on one connection to the catalog, in
 * one transaction: `run` returns the rows a statement gives (none for a
 * write) and how many rows it changed.
 */
export async function withCatalog<T>(
  target: CatalogOf,
  work: (
    run: <R = Record<string, unknown>>(
      sql: string,
      params?: readonly unknown[],
    ) => Promise<{ rows: R[]; changes: number }>,
  ) => Promise<T>,
): Promise<T> {
  const url = target.config?.databaseUrl;
  if (url !== undefined) {
    const client = new pg.Client({ connectionString: url, types: numericInt8 });
    await client.connect();
    try {
      await client.query('BEGIN');
      const result = await work(async <R>(sql: string, params: readonly unknown[] = []) => {
        const res = await client.query(numbered(sql), [...params]);
        return { rows: res.rows as R[], changes: res.command === 'SELECT' ? 0 : (res.rowCount ?? 0) };
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await client.end();
    }
  }
  const db = new BetterSqlite3(path.join(target.dataDir, 'origo.sqlite'), { fileMustExist: true });
  try {
    db.exec('BEGIN');
    const result = await work(async <R>(sql: string, params: readonly unknown[] = []) => {
      const statement = db.prepare(sql);
      if (statement.reader) return { rows: statement.all(...params) as R[], changes: 0 };
      return { rows: [], changes: statement.run(...params).changes };
    });
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    db.close();
  }
}

/** The rows one query gives. */
export function catalogRows<R = Record<string, unknown>>(
  target: CatalogOf,
  sql: string,
  params: readonly unknown[] = [],
): Promise<R[]> {
  return withCatalog(target, async (run) => (await run<R>(sql, params)).rows);
}

/** Runs one write; resolves to how many rows it changed. */
export function catalogWrite(target: CatalogOf, sql: string, params: readonly unknown[] = []): Promise<number> {
  return withCatalog(target, async (run) => (await run(sql, params)).changes);
}

/** The names of the catalog's tables. */
export async function catalogTables(target: CatalogOf): Promise<string[]> {
  const sql =
    dialectOf(target) === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
      : "SELECT name FROM sqlite_master WHERE type = 'table'";
  return (await catalogRows<{ name: string }>(target, sql)).map((row) => row.name);
}

/** Rows of an organization's images, live and deleted alike. */
export async function imageCount(target: CatalogOf, org = 'acme'): Promise<number> {
  const [row] = await catalogRows<{ n: number }>(
    target,
    'SELECT count(*) AS n FROM images i JOIN organizations o ON o.id = i.org_id WHERE o.name = ?',
    [org],
  );
  return Number(row!.n);
}

/** The typed user-metadata index rows of an image. */
export function indexRowsOf(target: CatalogOf, org: string, hash: string): Promise<IndexRow[]> {
  return catalogRows<IndexRow>(
    target,
    `SELECT f.name, f.type, f.seq, f.str, f.num FROM user_fields f
     JOIN images i ON i.id = f.image_id JOIN organizations o ON o.id = i.org_id
     WHERE o.name = ? AND i.hash = ? ORDER BY f.name, f.seq`,
    [org, hash],
  );
}
