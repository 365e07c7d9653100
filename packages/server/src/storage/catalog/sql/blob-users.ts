// The blob keys image rows use, in key order, each with the rows using it:
// what the scrub walks (Catalog.blobUsers) and what the migrate command
// copies, batch by batch (copy-tables.ts).

import type { Kysely } from 'kysely';
import type { BlobUsers } from '../catalog.ts';
import type { Database } from './schema.ts';

/** Up to `limit` keys after `afterKey`, with their images (live and deleted) sorted by organization name and hash. */
export async function blobUsersAfter(
  db: Kysely<Database>,
  afterKey: string | undefined,
  limit: number,
): Promise<BlobUsers[]> {
  let keysQuery = db.selectFrom('images').select('blob_key').distinct().orderBy('blob_key').limit(limit);
  if (afterKey !== undefined) keysQuery = keysQuery.where('blob_key', '>', afterKey);
  const keys = (await keysQuery.execute()).map((r) => r.blob_key);
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('images')
    .innerJoin('organizations', 'organizations.id', 'images.org_id')
    .select(['images.blob_key', 'images.hash', 'images.size', 'images.deleted_at', 'organizations.name'])
    .where('images.blob_key', 'in', keys)
    .orderBy('organizations.name')
    .orderBy('images.hash')
    .execute();
  const byKey = new Map<string, BlobUsers>(keys.map((key) => [key, { key, images: [] }]));
  for (const r of rows) {
    byKey
      .get(r.blob_key)
      ?.images.push({ orgName: r.name, hash: r.hash, size: Number(r.size), deleted: r.deleted_at !== null });
  }
  return [...byKey.values()];
}
