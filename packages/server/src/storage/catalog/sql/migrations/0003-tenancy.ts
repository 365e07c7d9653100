import { sql } from 'kysely';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

/** Users, their API keys (SHA-256 digests only), memberships with roles, and server settings. */
export function tenancy(dialect: Dialect) {
  const { bigint, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', sql.raw(text), (c) => c.primaryKey())
        .addColumn('email', sql.raw(text))
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_email').on('users').column('email').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', sql.raw(text), (c) => c.primaryKey())
        .addColumn('user_id', sql.raw(text), (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('digest', sql.raw(text), (c) => c.notNull().unique())
        .addColumn('comment', sql.raw(text))
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .addColumn('accessed', sql.raw(bigint))
        .execute();
      await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();

      await db.schema
        .createTable('memberships')
        .addColumn('org_id', sql.raw(bigint), (c) => c.notNull().references('organizations.id'))
        .addColumn('user_id', sql.raw(text), (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('roles', sql.raw(text), (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('comment', sql.raw(text))
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['org_id', 'user_id'])
        .execute();
      await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();

      await db.schema
        .createTable('settings')
        .addColumn('name', sql.raw(text), (c) => c.primaryKey())
        .addColumn('value', sql.raw(text), (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb): Promise<void> {
      for (const table of ['settings', 'memberships', 'api_keys', 'users']) await db.schema.dropTable(table).execute();
    },
  };
}
