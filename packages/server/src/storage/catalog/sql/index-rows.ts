// The rows an image is found by: its typed user-metadata index (user_fields)
// and its search terms (name words, dynamic and static metadata).

import type { Selectable } from 'kysely';
import { searchTerms, type TermRow } from '../../../images/search-terms.ts';
import type { IndexRow } from '../catalog.ts';
import { type Db, insertInChunks, parseJson } from './image-rows.ts';
import type { ImageStatements } from './image-statements.ts';
import type { ImagesTable } from './schema.ts';

export function insertIndexRows(db: Db, imageId: number, orgId: number, rows: IndexRow[]): Promise<void> {
  return insertInChunks(db, 'user_fields', rows.map((r) => ({ image_id: imageId, org_id: orgId, ...r })));
}

export function insertSearchTerms(db: Db, imageId: number, orgId: number, terms: TermRow[]): Promise<void> {
  return insertInChunks(db, 'search_terms', terms.map((t) => ({ image_id: imageId, org_id: orgId, ...t })));
}

/**
 * Makes the index rows of an existing image equal to `rows`, touching only
 * the rows that differ: a PATCH of a few fields rewrites a few rows, not
 * every row of every field (each row write also updates two indexes).
 * `previous` (the rows of the metadata before) spares reading the stored
 * rows, which costs more than the writes; it is trusted only when the
 * stored row count matches, and a row it gets wrong is still written right
 * (an update that finds no row inserts, an insert that finds one updates).
 */
export async function replaceIndexRows(
  db: Db,
  fields: ImageStatements['fields'],
  imageId: number,
  orgId: number,
  rows: IndexRow[],
  previous?: IndexRow[],
): Promise<void> {
  const trusted = previous && Number((await fields.count.run(db, [imageId])).rows[0]!.n) === previous.length;
  const stored = trusted ? previous : (await fields.of.run(db, [imageId])).rows;
  const key = (r: IndexRow) => `${r.name}\u0000${r.seq}`;
  const left = new Map(stored.map((r) => [key(r), r]));
  const inserts: IndexRow[] = [];
  const updates: IndexRow[] = [];
  for (const row of rows) {
    const old = left.get(key(row));
    if (!old) inserts.push(row);
    else {
      left.delete(key(row));
      if (old.type !== row.type || old.str !== row.str || old.num !== row.num) updates.push(row);
    }
  }
  const deletes = [...left.values()];
  if (deletes.length + updates.length + inserts.length > rows.length / 2 + 4) {
    // Most rows change: one delete and one insert beat many small statements.
    await fields.deleteAll.run(db, [imageId]);
    await insertIndexRows(db, imageId, orgId, rows);
    return;
  }
  for (const r of deletes) await fields.delete.run(db, [imageId, r.name, r.seq]);
  for (const r of updates) {
    const { numAffectedRows } = await fields.update.run(db, [r.type, r.str, r.num, imageId, r.name, r.seq]);
    if (Number(numAffectedRows) === 0) inserts.push(r);
  }
  for (const r of inserts) await fields.upsert.run(db, [imageId, orgId, r.name, r.type, r.seq, r.str, r.num]);
}

/** Rewrites the search_terms rows (name words, dynamic and static metadata) of an existing image from its row. */
export async function syncSearchTerms(db: Db, row: Selectable<ImagesTable>): Promise<void> {
  await db.deleteFrom('search_terms').where('image_id', '=', row.id).execute();
  const terms = searchTerms({ name: row.name, dynamicMetadata: parseJson(row.dynamic_metadata), staticMetadata: parseJson(row.static_metadata) });
  await insertSearchTerms(db, row.id, row.org_id, terms);
}
