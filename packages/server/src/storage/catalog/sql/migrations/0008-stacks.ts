import { sql } from 'kysely';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

/**
 * Named stacks (sql/sql-stacks.ts) and the organizations' signing keys.
 *
 * A stack's definition is one JSON text: it is always read and written
 * whole, and never searched. `cache_generation` is bumped by DELETE
 * …/cache; renders are cached under keys that include it.
 *
 * Signing keys have a table of their own (not a column of organizations):
 * rokka lists them as an array, so a later key rotation adds rows rather
 * than a migration. `seq` makes the first key insert-if-absent: every
 * node that asks at once inserts seq 0, and all but one insert nothing.
 */
export function stacks(dialect: Dialect) {
  const { bigint, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('stacks')
        .addColumn('org_id', sql.raw(bigint), (c) => c.notNull().references('organizations.id'))
        .addColumn('name', sql.raw(text), (c) => c.notNull())
        .addColumn('definition', sql.raw(text), (c) => c.notNull())
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .addColumn('updated', sql.raw(bigint), (c) => c.notNull())
        .addColumn('cache_generation', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('stacks_pkey', ['org_id', 'name'])
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('org_id', sql.raw(bigint), (c) => c.notNull().references('organizations.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('key', sql.raw(text), (c) => c.notNull())
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .addPrimaryKeyConstraint('signing_keys_pkey', ['org_id', 'seq'])
        .execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropTable('signing_keys').execute();
      await db.schema.dropTable('stacks').execute();
    },
  };
}
