// The embedded default: SQLite through better-sqlite3, in WAL mode.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { registerSqliteHandle } from './direct-sqlite.ts';
import type { Database } from './schema.ts';

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew; preparing costs more than running a
 * point lookup, so prepared statements are kept by their SQL text.
 */
function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sqlText: string): SqliteStatement {
      let statement = cache.get(sqlText);
      if (statement) {
        // Re-insert to keep the map in least-recently-used order.
        cache.delete(sqlText);
      } else {
        statement = db.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sqlText, statement);
      return statement as unknown as SqliteStatement;
    },
  };
}

/**
 * `readOnly`: for a tool beside a running server (the scrub): the file must
 * exist, nothing is written to it, and its journal mode is left as it is.
 */
export function openSqlite(
  file: string,
  durability: 'full' | 'normal' = 'full',
  options: { readOnly?: boolean } = {},
): { db: Kysely<Database>; raw: BetterSqlite3.Database } {
  const readOnly = options.readOnly === true;
  if (file !== ':memory:' && !readOnly) mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file, readOnly ? { readonly: true, fileMustExist: true } : {});
  if (!readOnly) raw.pragma('journal_mode = WAL');
  // FULL: a commit that returned is on disk; an acknowledged write survives a
  // power cut. NORMAL (opt-in): commits are durable against a crash of origo,
  // but the last ones may be lost with the machine's power; writes get faster.
  raw.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // Search reads index and row pages at random; the default page cache is
  // 2 MiB. Up to 128 MiB (grown only as pages are read) halves the time of
  // large searches on a million-image catalog (bench/search.ts).
  raw.pragma('cache_size = -131072');
  const handle = withStatementCache(raw);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
  registerSqliteHandle(db, handle);
  return { db, raw };
}
