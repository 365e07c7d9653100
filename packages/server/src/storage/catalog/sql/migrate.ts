// Versioned migrations, applied at start. Each migration is a function of the
// dialect so the few type differences stay here and not in queries. Kysely's
// Migrator records each applied one by name in origo_migrations.

import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { initial } from './migrations/0001-initial.ts';
import { userFields } from './migrations/0002-user-fields.ts';
import { tenancy } from './migrations/0003-tenancy.ts';
import { search } from './migrations/0004-search.ts';
import { blobClaims } from './migrations/0005-blob-claims.ts';
import { postgresSearchIndexes } from './migrations/0006-postgres-search-indexes.ts';
import { rateBuckets } from './migrations/0007-rate-buckets.ts';
import { stacks } from './migrations/0008-stacks.ts';
import type { Database, Dialect } from './schema.ts';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initial(dialect),
    '0002-user-fields': userFields(dialect),
    '0003-tenancy': tenancy(dialect),
    '0004-search': search(dialect),
    '0005-blob-claims': blobClaims(dialect),
    '0006-postgres-search-indexes': postgresSearchIndexes(dialect),
    '0007-rate-buckets': rateBuckets(dialect),
    '0008-stacks': stacks(dialect),
  };
}

const MIGRATION_TABLE = 'origo_migrations';

/** The database's schema is not the one this build reads and writes. */
export class SchemaMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaMismatchError';
  }
}

/**
 * For a reader that must not migrate (a tool beside a server that may be of
 * another version): fails unless the database has exactly the migrations
 * this build has, as recorded by migrateToLatest. Only reads.
 */
export async function expectLatestSchema(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const known = Object.keys(migrations(dialect));
  let applied: string[];
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)}`.execute(db);
    applied = rows.rows.map((r) => r.name);
  } catch (err) {
    throw new SchemaMismatchError(
      `the database has no schema version (no ${MIGRATION_TABLE} table: ${String(err)}); it was not written by origo`,
    );
  }
  const missing = known.filter((name) => !applied.includes(name));
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new SchemaMismatchError(
      `the database schema is newer than this origo-server knows (it has migrations ${unknown.join(', ')}); use the origo-server of the version that wrote it`,
    );
  }
  if (missing.length > 0) {
    throw new SchemaMismatchError(
      `the database schema is older than this origo-server expects (migrations ${missing.join(', ')} not applied yet); start the server of this version once, which upgrades it, then run this again`,
    );
  }
}

export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'origo_migration_lock',
    // Migrations written in parallel may land out of name order (0004 before 0003).
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
