import { sql } from 'kysely';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

/**
 * User metadata in typed, indexed form for search: one row per scalar field,
 * array element or text token, with the value in `str` (strings, tokens,
 * dates as text) or `num` (int, double, dates as epoch ms). The JSON column
 * on images stays the source for replies.
 */
export function userFields(dialect: Dialect) {
  const { bigint, real, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('user_fields')
        .addColumn('image_id', sql.raw(bigint), (c) => c.notNull().references('images.id').onDelete('cascade'))
        .addColumn('org_id', sql.raw(bigint), (c) => c.notNull())
        .addColumn('name', sql.raw(text), (c) => c.notNull())
        .addColumn('type', sql.raw(text), (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('str', sql.raw(text))
        .addColumn('num', sql.raw(real))
        .addPrimaryKeyConstraint('user_fields_pk', ['image_id', 'name', 'seq'])
        .execute();
      await db.schema
        .createIndex('user_fields_by_str')
        .on('user_fields')
        .columns(['org_id', 'name', 'str', 'image_id'])
        .execute();
      await db.schema
        .createIndex('user_fields_by_num')
        .on('user_fields')
        .columns(['org_id', 'name', 'num', 'image_id'])
        .execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropTable('user_fields').execute();
    },
  };
}
