import { sql } from 'kysely';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

/**
 * One row per blob that an upload is committing or the sweep is deleting
 * right now (see storage/catalog/blob-claims.ts). Rows are short-lived: the
 * table is empty when nothing is in flight.
 */
export function blobClaims(dialect: Dialect) {
  const { bigint, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      // UNLOGGED on PostgreSQL: claims live for seconds and need no WAL
      // flush per commit. A PostgreSQL crash empties the table; an upload
      // that then finds its claim gone checks its blob again (see
      // BlobClaims.releaseCommit).
      let table = db.schema.createTable('blob_claims');
      if (dialect === 'postgres') table = table.modifyFront(sql`unlogged`);
      await table
        .addColumn('blob_key', sql.raw(text), (c) => c.primaryKey())
        .addColumn('commits', 'integer', (c) => c.notNull())
        .addColumn('touched', sql.raw(bigint), (c) => c.notNull())
        .addColumn('deleting_since', sql.raw(bigint))
        .execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropTable('blob_claims').execute();
    },
  };
}
