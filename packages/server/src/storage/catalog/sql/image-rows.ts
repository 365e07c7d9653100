// Image rows and records: the mapping between the images table and the
// catalog's ImageRecord, and the chunked inserts of an image's index rows.

import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { ImageRecord, JsonObject, NewImage } from '../catalog.ts';
import type { Database, ImagesTable } from './schema.ts';

export type Db = Kysely<Database> | Transaction<Database>;

export function parseJson(text: string): JsonObject {
  // JSON.parse makes "__proto__" an own data property, never a prototype.
  return JSON.parse(text) as JsonObject;
}

export function toImage(row: Selectable<ImagesTable>): ImageRecord {
  return {
    id: Number(row.id),
    orgId: Number(row.org_id),
    hash: row.hash,
    shortHash: row.short_hash,
    binaryHash: row.binary_hash,
    blobKey: row.blob_key,
    name: row.name,
    format: row.format,
    mimetype: row.mimetype,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    opaque: row.opaque === 1,
    animated: row.animated === 1,
    protected: row.protected === 1,
    locked: row.locked === 1,
    created: new Date(Number(row.created)),
    deletedAt: row.deleted_at === null ? null : new Date(Number(row.deleted_at)),
    userMetadata: parseJson(row.user_metadata),
    dynamicMetadata: parseJson(row.dynamic_metadata),
    staticMetadata: parseJson(row.static_metadata),
  };
}

/** The row of a new, live, unlocked image. */
export function imageRow(
  orgId: number,
  image: Omit<NewImage, 'userFieldRows'>,
  shortHash: string,
  created: Date,
): Insertable<ImagesTable> {
  return {
    org_id: orgId,
    hash: image.hash,
    short_hash: shortHash,
    binary_hash: image.binaryHash,
    blob_key: image.blobKey,
    name: image.name,
    format: image.format,
    mimetype: image.mimetype,
    size: image.size,
    width: image.width,
    height: image.height,
    opaque: image.opaque ? 1 : 0,
    animated: image.animated ? 1 : 0,
    protected: image.protected ? 1 : 0,
    locked: 0,
    created: created.getTime(),
    deleted_at: null,
    user_metadata: JSON.stringify(image.userMetadata),
    dynamic_metadata: JSON.stringify(image.dynamicMetadata),
    static_metadata: JSON.stringify(image.staticMetadata),
  };
}

/** Inserts rows in statements of at most 500, under SQLite's and PostgreSQL's bound-parameter limits. */
export async function insertInChunks<T extends 'user_fields' | 'search_terms'>(
  db: Db,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 500) as Insertable<Database[T]>[] as never)
      .execute();
  }
}
