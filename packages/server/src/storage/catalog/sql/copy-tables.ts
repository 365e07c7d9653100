// Copies catalog rows from one origo database to another (the migrate
// command: an embedded SQLite into PostgreSQL), keeping every id, so the
// references between tables (images.org_id, memberships.user_id...) stay
// right. Every insert is ON CONFLICT DO NOTHING, so a copy cut off anywhere
// can run again; rows already there are then checked to be the source's own
// (same id, same identity), so a target that holds someone else's data is
// refused rather than merged.

import { type Kysely, sql } from 'kysely';
import { blobUsersAfter } from './blob-users.ts';
import type { AnyDb } from './migrations/shared.ts';
import type { Database, Dialect } from './schema.ts';

type Db = Kysely<Database>;
// biome-ignore lint/suspicious/noExplicitAny: rows are copied column for column, whatever the table.
type Row = Record<string, any>;

/**
 * What happens to each table. A Record over every table, so a table added to
 * the schema does not compile until it says whether it is copied.
 */
export const TABLE_PLAN: Record<keyof Database, string> = {
  organizations: 'copied',
  users: 'copied',
  api_keys: 'copied',
  memberships: 'copied',
  settings: 'copied (the token secret, so tokens made before keep working)',
  images: 'copied, each batch after its blobs',
  user_fields: 'copied with their images',
  search_terms: 'copied with their images',
  org_image_counts: "not copied: the target's triggers count the images as they are inserted",
  blob_claims: 'not copied: claims of uploads in flight on the source, which has none once stopped',
  rate_buckets: 'not copied: rate-limit buckets refill within a minute, and an embedded source keeps none',
  stacks: 'copied',
  signing_keys: 'copied (so render URLs signed before stay valid)',
};

/** Tables of the source that are copied, in the order of the summary. */
export const COPIED_TABLES = [
  'organizations',
  'users',
  'api_keys',
  'memberships',
  'settings',
  'images',
  'user_fields',
  'search_terms',
  'stacks',
  'signing_keys',
] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

export interface TableCount {
  /** Rows in the source. */
  source: number;
  /** Rows this run inserted (or, for settings, changed). */
  copied: number;
}

export type TableCounts = Record<CopiedTable, TableCount>;

/** The target holds rows that are not the source's: copying into it would mix two catalogs. */
export class ForeignRowsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignRowsError';
  }
}

/** Rows per INSERT: SQLite takes at most 32766 values a statement, PostgreSQL 65535. */
const INSERT_ROWS = 200;
const ID_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function insertNew(db: Db, table: CopiedTable, rows: readonly Row[]): Promise<number> {
  let inserted = 0;
  for (const part of chunks(rows, INSERT_ROWS)) {
    // No conflict target: a row clashing on any unique key (an id, a name) is left out, then checked.
    const result = await (db as AnyDb)
      .insertInto(table)
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

export async function countSourceRows(source: Db): Promise<Record<CopiedTable, number>> {
  const counts = {} as Record<CopiedTable, number>;
  for (const table of COPIED_TABLES) {
    const row = await (source as AnyDb)
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export async function countBlobKeys(source: Db): Promise<number> {
  const row = await source
    .selectFrom('images')
    .select(sql<number>`count(distinct blob_key)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Before anything is written: every organization and user the target has
 * must be the source's (same id and uuid), so the target is empty or a
 * copy of this source cut off part way.
 */
export async function expectOnlySourceAccounts(source: Db, target: Db): Promise<void> {
  const sourceOrgs = Number(
    (
      await source
        .selectFrom('organizations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const targetOrgs = await target
    .selectFrom('organizations')
    .select(['id', 'uuid', 'name'])
    .orderBy('id')
    .limit(sourceOrgs + 1)
    .execute();
  for (const part of chunks(targetOrgs, ID_CHUNK)) {
    const found = await source
      .selectFrom('organizations')
      .select(['id', 'uuid'])
      .where(
        'id',
        'in',
        part.map((o) => o.id),
      )
      .execute();
    const uuidOf = new Map(found.map((o) => [Number(o.id), o.uuid]));
    const stranger = part.find((o) => uuidOf.get(Number(o.id)) !== o.uuid);
    if (stranger) {
      throw new ForeignRowsError(
        `the target database already has organization "${stranger.name}" (id ${stranger.id}), which is not the source's`,
      );
    }
  }
  const sourceUsers = Number(
    (
      await source
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const targetUsers = await target
    .selectFrom('users')
    .select('id')
    .orderBy('id')
    .limit(sourceUsers + 1)
    .execute();
  for (const part of chunks(targetUsers, ID_CHUNK)) {
    const found = new Set(
      (
        await source
          .selectFrom('users')
          .select('id')
          .where(
            'id',
            'in',
            part.map((u) => u.id),
          )
          .execute()
      ).map((u) => u.id),
    );
    const stranger = part.find((u) => !found.has(u.id));
    if (stranger)
      throw new ForeignRowsError(`the target database already has user ${stranger.id}, which is not the source's`);
  }
}

/**
 * PostgreSQL hands out ids from a sequence, which inserts with explicit ids
 * do not move: set past the source's ids first, so an image or organization
 * a target node makes during or after the copy gets an id of its own.
 * (SQLite's AUTOINCREMENT follows the largest id inserted by itself.)
 */
export async function advanceIdSequences(source: Db, target: Db, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of ['organizations', 'images'] as const) {
    const row = await (source as AnyDb)
      .selectFrom(table)
      .select((eb) => eb.fn.max<number>('id').as('top'))
      .executeTakeFirst();
    const top = Number(row?.top ?? 0);
    if (top === 0) continue;
    const sequence = sql`pg_get_serial_sequence(${table}, 'id')`;
    // Only forward: a sequence already past (a re-run, target nodes at work) is left alone.
    await sql`select setval(${sequence}, ${top}) where coalesce(pg_sequence_last_value(${sequence}::regclass), 0) < ${top}`.execute(
      target,
    );
  }
}

/** Organizations, users, keys and memberships (in that order, for their references), then the settings. */
export async function copyAccounts(source: Db, target: Db, counts: TableCounts): Promise<void> {
  await copyChecked(
    source,
    target,
    'organizations',
    'id',
    counts,
    (s, t) => s.uuid === t.uuid,
    (r) => `organization "${r.name}" (id ${r.id})`,
  );
  await copyChecked(
    source,
    target,
    'users',
    'id',
    counts,
    (s, t) => s.id === t.id,
    (r) => `user ${r.id}`,
  );
  await copyChecked(
    source,
    target,
    'api_keys',
    'id',
    counts,
    (s, t) => s.digest === t.digest && s.user_id === t.user_id,
    (r) => `API key ${r.id}`,
  );
  await copyMemberships(source, target, counts);
  await copyOrgRows(source, target, 'stacks', 'name', counts);
  await copyOrgRows(source, target, 'signing_keys', 'seq', counts);
  await copySettings(source, target, counts);
}

/** Copies a table with a single-column key in key order, checking that each source row is in the target afterwards and is the same one. */
async function copyChecked(
  source: Db,
  target: Db,
  table: 'organizations' | 'users' | 'api_keys',
  key: 'id',
  counts: TableCounts,
  same: (sourceRow: Row, targetRow: Row) => boolean,
  name: (row: Row) => string,
): Promise<void> {
  const from = source as AnyDb;
  const to = target as AnyDb;
  let after: unknown;
  for (;;) {
    let query = from.selectFrom(table).selectAll().orderBy(key).limit(ID_CHUNK);
    if (after !== undefined) query = query.where(key, '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    counts[table].copied += await insertNew(target, table, rows);
    const there = new Map(
      (
        await to
          .selectFrom(table)
          .selectAll()
          .where(
            key,
            'in',
            rows.map((r) => r[key]),
          )
          .execute()
      ).map((r) => [String(r[key]), r]),
    );
    for (const row of rows) {
      const found = there.get(String(row[key]));
      if (!found || !same(row, found)) {
        throw new ForeignRowsError(
          `the target database has another row where the source's ${name(row)} should go (it clashes on a unique key)`,
        );
      }
    }
    after = rows[rows.length - 1]![key];
  }
}

async function copyMemberships(source: Db, target: Db, counts: TableCounts): Promise<void> {
  let after: { org_id: number; user_id: string } | undefined;
  for (;;) {
    let query = source.selectFrom('memberships').selectAll().orderBy('org_id').orderBy('user_id').limit(ID_CHUNK);
    if (after) {
      const { org_id, user_id } = after;
      query = query.where((eb) =>
        eb.or([eb('org_id', '>', org_id), eb.and([eb('org_id', '=', org_id), eb('user_id', '>', user_id)])]),
      );
    }
    const rows = await query.execute();
    if (rows.length === 0) return;
    counts.memberships.copied += await insertNew(target, 'memberships', rows);
    after = rows[rows.length - 1]!;
  }
}

/** Copies a table keyed by (org_id, `second`), in key order. A row already there (a re-run) is left as it is. */
async function copyOrgRows(
  source: Db,
  target: Db,
  table: 'stacks' | 'signing_keys',
  second: 'name' | 'seq',
  counts: TableCounts,
): Promise<void> {
  const from = source as AnyDb;
  let after: Row | undefined;
  for (;;) {
    let query = from.selectFrom(table).selectAll().orderBy('org_id').orderBy(second).limit(ID_CHUNK);
    if (after) {
      const last = after;
      query = query.where((eb) =>
        eb.or([
          eb('org_id', '>', last['org_id']),
          eb.and([eb('org_id', '=', last['org_id']), eb(second, '>', last[second])]),
        ]),
      );
    }
    const rows = await query.execute();
    if (rows.length === 0) return;
    counts[table].copied += await insertNew(target, table, rows);
    after = rows[rows.length - 1]!;
  }
}

/**
 * The source's settings win: the target holds no account or organization
 * of its own (expectOnlySourceAccounts), so no token was signed with a
 * secret a target node may have made at its start.
 */
async function copySettings(source: Db, target: Db, counts: TableCounts): Promise<void> {
  const rows = await source.selectFrom('settings').selectAll().orderBy('name').execute();
  for (const row of rows) {
    const there = await target.selectFrom('settings').select('value').where('name', '=', row.name).executeTakeFirst();
    if (there?.value === row.value) continue;
    await target
      .insertInto('settings')
      .values(row)
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: row.value }))
      .execute();
    counts.settings.copied++;
  }
}

export interface BlobInUse {
  key: string;
  /** The sizes the images using it give (one, unless the rows disagree). */
  sizes: number[];
  images: { orgName: string; hash: string; size: number; deleted: boolean }[];
}

/** The next `limit` blob keys the source's images use, in key order, with the images using each. */
export async function blobKeysAfter(source: Db, after: string | undefined, limit: number): Promise<BlobInUse[]> {
  return (await blobUsersAfter(source, after, limit)).map((blob) => ({
    ...blob,
    sizes: [...new Set(blob.images.map((i) => i.size))],
  }));
}

/**
 * The images using `keys`, with their user fields and search terms, in one
 * transaction of the target: an image shows up there whole or not at all.
 */
export async function copyImagesOf(
  source: Db,
  target: Db,
  keys: readonly string[],
  counts: TableCounts,
): Promise<void> {
  const images: Row[] = [];
  for (const part of chunks(keys, ID_CHUNK)) {
    images.push(
      ...(await source.selectFrom('images').selectAll().where('blob_key', 'in', part).orderBy('id').execute()),
    );
  }
  const ids = images.map((i) => Number(i.id));
  const fields: Row[] = [];
  const terms: Row[] = [];
  for (const part of chunks(ids, ID_CHUNK)) {
    fields.push(...(await source.selectFrom('user_fields').selectAll().where('image_id', 'in', part).execute()));
    terms.push(...(await source.selectFrom('search_terms').selectAll().where('image_id', 'in', part).execute()));
  }
  const copied = await target.transaction().execute(async (trx) => {
    const inserted = await insertNew(trx, 'images', images);
    for (const part of chunks(images, ID_CHUNK)) {
      const there = new Map(
        (
          await trx
            .selectFrom('images')
            .select(['id', 'org_id', 'hash', 'blob_key'])
            .where(
              'id',
              'in',
              part.map((i) => i.id),
            )
            .execute()
        ).map((r) => [Number(r.id), r]),
      );
      for (const image of part) {
        const found = there.get(Number(image.id));
        if (
          !found ||
          Number(found.org_id) !== Number(image.org_id) ||
          found.hash !== image.hash ||
          found.blob_key !== image.blob_key
        ) {
          throw new ForeignRowsError(
            `the target database has another image where the source's image ${image.hash} (id ${image.id}) should go (it clashes on its id or hash)`,
          );
        }
      }
    }
    return {
      images: inserted,
      fields: await insertNew(trx, 'user_fields', fields),
      terms: await insertNew(trx, 'search_terms', terms),
    };
  });
  counts.images.copied += copied.images;
  counts.user_fields.copied += copied.fields;
  counts.search_terms.copied += copied.terms;
}
