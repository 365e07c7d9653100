import { sql } from 'kysely';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

export function initial(dialect: Dialect) {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const { bigint, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', sql.raw(idType), (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('uuid', sql.raw(text), (c) => c.notNull().unique())
        .addColumn('name', sql.raw(text), (c) => c.notNull().unique())
        .addColumn('display_name', sql.raw(text), (c) => c.notNull())
        .addColumn('billing_email', sql.raw(text), (c) => c.notNull())
        .addColumn('master_organization', sql.raw(text), (c) => c.notNull())
        .addColumn('options', sql.raw(text), (c) => c.notNull().defaultTo('{}'))
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('images')
        .addColumn('id', sql.raw(idType), (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('org_id', sql.raw(bigint), (c) => c.notNull().references('organizations.id'))
        .addColumn('hash', sql.raw(text), (c) => c.notNull())
        .addColumn('short_hash', sql.raw(text), (c) => c.notNull())
        .addColumn('binary_hash', sql.raw(text), (c) => c.notNull())
        .addColumn('blob_key', sql.raw(text), (c) => c.notNull())
        .addColumn('name', sql.raw(text), (c) => c.notNull())
        .addColumn('format', sql.raw(text), (c) => c.notNull())
        .addColumn('mimetype', sql.raw(text), (c) => c.notNull())
        .addColumn('size', sql.raw(bigint), (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('opaque', 'integer', (c) => c.notNull())
        .addColumn('animated', 'integer', (c) => c.notNull())
        .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created', sql.raw(bigint), (c) => c.notNull())
        .addColumn('deleted_at', sql.raw(bigint))
        .addColumn('user_metadata', sql.raw(text), (c) => c.notNull().defaultTo('{}'))
        .addColumn('dynamic_metadata', sql.raw(text), (c) => c.notNull().defaultTo('{}'))
        .addColumn('static_metadata', sql.raw(text), (c) => c.notNull().defaultTo('{}'))
        .execute();

      await db.schema.createIndex('images_org_hash').on('images').columns(['org_id', 'hash']).unique().execute();
      await db.schema
        .createIndex('images_org_short_hash')
        .on('images')
        .columns(['org_id', 'short_hash'])
        .unique()
        .execute();
      await db.schema.createIndex('images_org_binary_hash').on('images').columns(['org_id', 'binary_hash']).execute();
      await db.schema.createIndex('images_blob_key').on('images').column('blob_key').execute();
      // Listing newest first, live and deleted apart, answered from the index.
      await db.schema
        .createIndex('images_live_by_created')
        .on('images')
        .columns(['org_id', 'created desc', 'hash'])
        .where(sql.ref('deleted_at'), 'is', null)
        .execute();
      await db.schema
        .createIndex('images_deleted_by_created')
        .on('images')
        .columns(['org_id', 'created desc', 'hash'])
        .where(sql.ref('deleted_at'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('images_deleted_at')
        .on('images')
        .column('deleted_at')
        .where(sql.ref('deleted_at'), 'is not', null)
        .execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropTable('images').execute();
      await db.schema.dropTable('organizations').execute();
    },
  };
}
