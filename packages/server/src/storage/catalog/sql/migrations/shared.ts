// What every migration uses. Migrations are history: never change what these
// mean, or a database migrated before would differ from one migrated after.

import type { Kysely } from 'kysely';

/** The dialects a migration is written for (as schema.ts's Dialect was when they were). */
export type Dialect = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema came before.
export type AnyDb = Kysely<any>;

/**
 * Column types that differ between the dialects. Text on PostgreSQL is
 * COLLATE "C": SQLite compares text by bytes (BINARY), and so must every
 * ORDER BY, range and cursor comparison on PostgreSQL, whatever locale its
 * database was created with (hash prefix ranges, name sorts, blob-key paging).
 */
export function sqlTypes(dialect: Dialect): { bigint: string; real: string; text: string } {
  return dialect === 'postgres'
    ? { bigint: 'bigint', real: 'double precision', text: 'text collate "C"' }
    : { bigint: 'integer', real: 'real', text: 'text' };
}
