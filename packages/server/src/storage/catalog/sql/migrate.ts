// Versioned migrations, applied at start. Each migration is a function of the
// dialect so the few type differences stay here and not in queries.

import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { initial } from './migrations/0001-initial.ts';
import { userFields } from './migrations/0002-user-fields.ts';
import { tenancy } from './migrations/0003-tenancy.ts';
import { search } from './migrations/0004-search.ts';
import type { Database, Dialect } from './schema.ts';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initial(dialect),
    '0002-user-fields': userFields(dialect),
    '0003-tenancy': tenancy(dialect),
    '0004-search': search(dialect),
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'origo_migrations',
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
