// New image rows: one at a time with the shortest free short hash, or many
// at once for an import, where most short hashes are settled in bulk.

import { type Selectable, sql, type Transaction } from 'kysely';
import { searchTerms } from '../../../images/search-terms.ts';
import type { ImportedImage, NewImage } from '../catalog.ts';
import { type Db, imageRow, insertInChunks } from './image-rows.ts';
import type { ImageStatements } from './image-statements.ts';
import { insertIndexRows, insertSearchTerms } from './index-rows.ts';
import type { Database, ImagesTable } from './schema.ts';

const SHORT_HASH_MIN = 6;

/** Shortest prefix (≥ 6) of `hash` that no other hash or short hash in the org starts with or equals. */
async function allocateShortHash(db: Db, q: ImageStatements, orgId: number, hash: string): Promise<string> {
  for (let length = SHORT_HASH_MIN; length < 40; length++) {
    const prefix = hash.slice(0, length);
    if ((await q.image.prefixTaken.run(db, [orgId, prefix, `${prefix}g`, 1])).rows.length === 0) return prefix;
  }
  return hash;
}

export async function insertImage(
  db: Db,
  q: ImageStatements,
  orgId: number,
  image: NewImage,
  created: Date,
): Promise<Selectable<ImagesTable>> {
  const row = await db
    .insertInto('images')
    .values(imageRow(orgId, image, await allocateShortHash(db, q, orgId, image.hash), created))
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertIndexRows(db, row.id, orgId, image.userFieldRows);
  await insertSearchTerms(db, row.id, orgId, searchTerms(image));
  return row;
}

/** Inserts the images whose hash the org does not have yet (the first of duplicates); returns how many. */
export async function importImages(
  trx: Transaction<Database>,
  q: ImageStatements,
  orgId: number,
  images: ImportedImage[],
): Promise<number> {
  const seen = new Set<string>();
  for (let i = 0; i < images.length; i += 500) {
    const hashes = images.slice(i, i + 500).map((image) => image.hash);
    const rows = await trx
      .selectFrom('images')
      .select('hash')
      .where('org_id', '=', orgId)
      .where('hash', 'in', hashes)
      .execute();
    for (const row of rows) seen.add(row.hash);
  }
  const fresh: ImportedImage[] = [];
  for (const image of images) {
    if (seen.has(image.hash)) continue;
    seen.add(image.hash);
    fresh.push(image);
  }

  // The 6-character prefix is the short hash unless another hash (in the
  // org or in this batch) starts with it or a short hash equals it; those
  // few take the one-by-one path of allocateShortHash.
  const prefixOf = (hash: string) => hash.slice(0, SHORT_HASH_MIN);
  const perPrefix = new Map<string, number>();
  for (const image of fresh) perPrefix.set(prefixOf(image.hash), (perPrefix.get(prefixOf(image.hash)) ?? 0) + 1);
  const clash = new Set([...perPrefix].filter(([, n]) => n > 1).map(([p]) => p));
  const prefixes = [...perPrefix.keys()];
  for (let i = 0; i < prefixes.length; i += 200) {
    const probes = prefixes.slice(i, i + 200).map(
      (p) => sql<{
        p: string;
      }>`select ${p} as p where exists (select 1 from images where org_id = ${orgId} and hash >= ${p} and hash < ${`${p}g`})
            or exists (select 1 from images where org_id = ${orgId} and short_hash = ${p})`,
    );
    const { rows } = await sql<{ p: string }>`${sql.join(probes, sql` union all `)}`.execute(trx);
    for (const row of rows) clash.add(row.p);
  }

  const bulk = fresh.filter((image) => !clash.has(prefixOf(image.hash)));
  for (let i = 0; i < bulk.length; i += 200) {
    const chunk = bulk.slice(i, i + 200);
    const inserted = await trx
      .insertInto('images')
      .values(chunk.map((image) => imageRow(orgId, image, prefixOf(image.hash), image.created)))
      .returning(['id', 'hash'])
      .execute();
    const idOf = new Map(inserted.map((row) => [row.hash, row.id]));
    const userRows = chunk.flatMap((image) =>
      image.userFieldRows.map((r) => ({ image_id: idOf.get(image.hash)!, org_id: orgId, ...r })),
    );
    const termRows = chunk.flatMap((image) =>
      searchTerms(image).map((t) => ({ image_id: idOf.get(image.hash)!, org_id: orgId, ...t })),
    );
    await insertInChunks(trx, 'user_fields', userRows);
    await insertInChunks(trx, 'search_terms', termRows);
  }
  for (const image of fresh.filter((image) => clash.has(prefixOf(image.hash)))) {
    await insertImage(trx, q, orgId, image, image.created);
  }
  return fresh.length;
}
