// The rows an image is found by: its typed user-metadata index (user_fields)
// and its search terms (name words, dynamic and static metadata).

import type { Selectable } from 'kysely';
import { searchTerms, type TermRow } from '../../../images/search-terms.ts';
import type { IndexRow } from '../catalog.ts';
import { isDirect } from './direct-sqlite.ts';
import { type Db, insertInChunks, parseJson } from './image-rows.ts';
import type { ImageStatements } from './image-statements.ts';
import type { ImagesTable } from './schema.ts';

export function insertIndexRows(db: Db, imageId: number, orgId: number, rows: IndexRow[]): Promise<void> {
  return insertInChunks(
    db,
    'user_fields',
    rows.map((r) => ({ image_id: imageId, org_id: orgId, ...r })),
  );
}

export function insertSearchTerms(db: Db, imageId: number, orgId: number, terms: TermRow[]): Promise<void> {
  return insertInChunks(
    db,
    'search_terms',
    terms.map((t) => ({ image_id: imageId, org_id: orgId, ...t })),
  );
}

/**
 * Makes the index rows of an existing image equal to `rows`, touching only
 * the rows that differ: a PATCH of a few fields rewrites a few rows, not
 * every row of every field (each row write also updates two indexes).
 * `previous` (the rows of the metadata before) spares reading the stored
 * rows, which costs more than the writes; it is trusted only when the
 * stored row count matches (`storedCount` when the caller read it with the
 * image row, else counted here), and a row it gets wrong is still written
 * right (an update that finds no row inserts, an insert that finds one
 * updates). The count guards against rows that drifted from the metadata:
 * an extra row that `previous` does not know would never be deleted.
 * In a write transaction that runs its statements directly (direct-sqlite.ts)
 * the whole change runs at once, without a promise per statement.
 */
export function replaceIndexRows(
  db: Db,
  fields: ImageStatements['fields'],
  imageId: number,
  orgId: number,
  rows: IndexRow[],
  previous?: IndexRow[],
  storedCount?: number,
): Promise<void> {
  if (!isDirect(db)) return replaceIndexRowsAsync(db, fields, imageId, orgId, rows, previous, storedCount);
  try {
    const trusted =
      previous && (storedCount ?? Number(fields.count.runNow(db, [imageId])!.rows[0]!.n)) === previous.length;
    const change = diffRows(trusted ? previous : fields.of.runNow(db, [imageId])!.rows, rows);
    if (change === 'all') {
      fields.deleteAll.runNow(db, [imageId]);
      for (const r of rows) fields.upsert.runNow(db, [imageId, orgId, r.name, r.type, r.seq, r.str, r.num]);
      return Promise.resolve();
    }
    for (const r of change.deletes) fields.delete.runNow(db, [imageId, r.name, r.seq]);
    for (const r of change.updates) {
      const { numAffectedRows } = fields.update.runNow(db, [r.type, r.str, r.num, imageId, r.name, r.seq])!;
      if (Number(numAffectedRows) === 0) change.inserts.push(r);
    }
    for (const r of change.inserts) fields.upsert.runNow(db, [imageId, orgId, r.name, r.type, r.seq, r.str, r.num]);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

async function replaceIndexRowsAsync(
  db: Db,
  fields: ImageStatements['fields'],
  imageId: number,
  orgId: number,
  rows: IndexRow[],
  previous?: IndexRow[],
  storedCount?: number,
): Promise<void> {
  const trusted =
    previous && (storedCount ?? Number((await fields.count.run(db, [imageId])).rows[0]!.n)) === previous.length;
  const change = diffRows(trusted ? previous : (await fields.of.run(db, [imageId])).rows, rows);
  if (change === 'all') {
    await fields.deleteAll.run(db, [imageId]);
    await insertIndexRows(db, imageId, orgId, rows);
    return;
  }
  for (const r of change.deletes) await fields.delete.run(db, [imageId, r.name, r.seq]);
  for (const r of change.updates) {
    const { numAffectedRows } = await fields.update.run(db, [r.type, r.str, r.num, imageId, r.name, r.seq]);
    if (Number(numAffectedRows) === 0) change.inserts.push(r);
  }
  for (const r of change.inserts) await fields.upsert.run(db, [imageId, orgId, r.name, r.type, r.seq, r.str, r.num]);
}

interface RowChange {
  deletes: IndexRow[];
  updates: IndexRow[];
  inserts: IndexRow[];
}

/** The row writes that turn `stored` into `rows`, or 'all' when most rows change (one delete and one insert beat many small statements). */
function diffRows(stored: IndexRow[], rows: IndexRow[]): RowChange | 'all' {
  const key = (r: IndexRow) => `${r.name}\u0000${r.seq}`;
  const left = new Map<string, IndexRow>();
  for (const r of stored) left.set(key(r), r);
  const inserts: IndexRow[] = [];
  const updates: IndexRow[] = [];
  for (const row of rows) {
    const k = key(row);
    const old = left.get(k);
    if (!old) inserts.push(row);
    else {
      left.delete(k);
      if (old.type !== row.type || old.str !== row.str || old.num !== row.num) updates.push(row);
    }
  }
  const deletes = [...left.values()];
  if (deletes.length + updates.length + inserts.length > rows.length / 2 + 4) return 'all';
  return { deletes, updates, inserts };
}

/** Rewrites the search_terms rows (name words, dynamic and static metadata) of an existing image from its row. */
export async function syncSearchTerms(db: Db, row: Selectable<ImagesTable>): Promise<void> {
  await db.deleteFrom('search_terms').where('image_id', '=', row.id).execute();
  const terms = searchTerms({
    name: row.name,
    dynamicMetadata: parseJson(row.dynamic_metadata),
    staticMetadata: parseJson(row.static_metadata),
  });
  await insertSearchTerms(db, row.id, row.org_id, terms);
}
