import { sql } from 'kysely';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

/**
 * The shared rate-limit buckets (sql/rate-buckets.ts), one row per caller.
 * Only nodes on PostgreSQL lease from them; SQLite gets the table too, so
 * both dialects have one schema and the lease works on either.
 */
export function rateBuckets(dialect: Dialect) {
  const { bigint, real, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('rate_buckets')
        .addColumn('caller', sql.raw(text), (c) => c.primaryKey())
        .addColumn('tokens', sql.raw(real), (c) => c.notNull())
        .addColumn('at', sql.raw(bigint), (c) => c.notNull())
        .addColumn('granted', 'integer', (c) => c.notNull())
        .execute();
      // Finding the idle buckets to forget without reading every row.
      await db.schema.createIndex('rate_buckets_at').on('rate_buckets').column('at').execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropTable('rate_buckets').execute();
    },
  };
}
