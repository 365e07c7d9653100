// The rows an image is found by: its typed user-metadata index (user_fields)
// and its search terms (name words, dynamic and static metadata).

import type { QueryResult, Selectable } from 'kysely';
import { searchTerms, type TermRow } from '../../../images/search-terms.ts';
import type { IndexRow } from '../catalog.ts';
import { isDirect } from './direct-sqlite.ts';
import { type Db, insertInChunks, parseJson } from './image-rows.ts';
import type { ImageStatements } from './image-statements.ts';
import type { Prepared } from './prepared.ts';
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
  const steps = indexRowSteps(fields, imageId, orgId, rows, previous, storedCount);
  if (!isDirect(db)) return runStepsAwaiting(db, steps, imageId, orgId);
  try {
    let step = steps.next();
    while (!step.done) {
      const s = step.value;
      if ('insertAll' in s) {
        for (const r of s.insertAll) fields.upsert.runNow(db, upsertArgs(imageId, orgId, r));
        step = steps.next();
      } else step = steps.next(s.statement.runNow(db, s.args)!);
    }
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The same steps on a database whose statements answer through promises (PostgreSQL, or SQLite outside a batch). */
async function runStepsAwaiting(db: Db, steps: IndexRowSteps, imageId: number, orgId: number): Promise<void> {
  let step = steps.next();
  while (!step.done) {
    const s = step.value;
    if ('insertAll' in s) {
      await insertIndexRows(db, imageId, orgId, s.insertAll);
      step = steps.next();
    } else step = steps.next(await s.statement.run(db, s.args));
  }
}

/** One statement to run (its result is sent back into the steps), or every row to insert after a delete of all. */
type IndexRowStep = { statement: Prepared<unknown>; args: unknown[] } | { insertAll: IndexRow[] };
type IndexRowSteps = Generator<IndexRowStep, void, QueryResult<unknown>>;

/**
 * The statements of replaceIndexRows, written once for both ways of running
 * them: each is yielded, and its result comes back as the value of the yield.
 */
function* indexRowSteps(
  fields: ImageStatements['fields'],
  imageId: number,
  orgId: number,
  rows: IndexRow[],
  previous: IndexRow[] | undefined,
  storedCount: number | undefined,
): IndexRowSteps {
  let stored: IndexRow[] | undefined;
  if (previous) {
    const count =
      storedCount ?? Number(((yield { statement: fields.count, args: [imageId] }).rows[0] as { n: number }).n);
    if (count === previous.length) stored = previous;
  }
  stored ??= (yield { statement: fields.of, args: [imageId] }).rows as IndexRow[];
  const change = diffRows(stored, rows);
  if (change === 'all') {
    yield { statement: fields.deleteAll, args: [imageId] };
    yield { insertAll: rows };
    return;
  }
  for (const r of change.deletes) yield { statement: fields.delete, args: [imageId, r.name, r.seq] };
  for (const r of change.updates) {
    const { numAffectedRows } = yield {
      statement: fields.update,
      args: [r.type, r.str, r.num, imageId, r.name, r.seq],
    };
    if (Number(numAffectedRows) === 0) change.inserts.push(r);
  }
  for (const r of change.inserts) yield { statement: fields.upsert, args: upsertArgs(imageId, orgId, r) };
}

const upsertArgs = (imageId: number, orgId: number, r: IndexRow) => [
  imageId,
  orgId,
  r.name,
  r.type,
  r.seq,
  r.str,
  r.num,
];

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
