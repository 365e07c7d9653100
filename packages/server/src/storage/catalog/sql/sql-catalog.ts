// The catalog on SQL through Kysely. Queries here are dialect-neutral; what
// differs between SQLite and PostgreSQL lives in sqlite.ts, the migrations
// and the few `dialect` branches below (row locks, how writes commit).

import { type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import {
  type BlobUsers,
  type Catalog,
  type ChangeResult,
  type CopyResult,
  type DerivedTarget,
  type DeriveResult,
  type IndexRow,
  type MetadataUpdate,
  HashCollisionError,
  type ImageList,
  type ImageRecord,
  type ImportedImage,
  type JsonObject,
  type NewImage,
  type NewOrganization,
  type Organization,
  type Page,
  type SavedImage,
  type SearchQuery,
  type SearchResult,
} from '../catalog.ts';
import { searchTerms, type TermRow } from '../../../images/search-terms.ts';
import { insertOrganization, toOrganization } from './organizations.ts';
import type { Database, Dialect, ImagesTable } from './schema.ts';
import { prepared } from './prepared.ts';
import { blobUsersAfter } from './blob-users.ts';
import { runSearch } from './search.ts';
import { BatchedWrites, DirectWrites, type WriteRunner } from './write-batcher.ts';

type Db = Kysely<Database> | Transaction<Database>;

function parseJson(text: string): JsonObject {
  // JSON.parse makes "__proto__" an own data property, never a prototype.
  return JSON.parse(text) as JsonObject;
}

function toImage(row: Selectable<ImagesTable>): ImageRecord {
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
function imageRow(orgId: number, image: Omit<NewImage, 'userFieldRows'>, shortHash: string, created: Date): Insertable<ImagesTable> {
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

const SHORT_HASH_MIN = 6;

/** Inserts rows in statements of at most 500, under SQLite's and PostgreSQL's bound-parameter limits. */
async function insertInChunks<T extends 'user_fields' | 'search_terms'>(db: Db, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 500) as Insertable<Database[T]>[] as never)
      .execute();
  }
}

export class SqlCatalog implements Catalog {
  private readonly writes: WriteRunner;

  /** The statements of the hot paths (image lookups, user-metadata writes), compiled once. */
  private readonly q = {
    image: {
      byHash: prepared((db, a) => db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('hash', '=', a(1))),
      byHashForUpdate: prepared((db, a) => db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('hash', '=', a(1)).forUpdate()),
      liveByHash: prepared((db, a) =>
        db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('hash', '=', a(1)).where('deleted_at', 'is', null),
      ),
      byShortHash: prepared((db, a) => db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('short_hash', '=', a(1))),
      liveByShortHash: prepared((db, a) =>
        db.selectFrom('images').selectAll().where('org_id', '=', a(0)).where('short_hash', '=', a(1)).where('deleted_at', 'is', null),
      ),
      userMetadata: prepared((db, a) =>
        db.selectFrom('images').select(['id', 'deleted_at', 'locked', 'user_metadata']).where('org_id', '=', a(0)).where('hash', '=', a(1)),
      ),
      userMetadataForUpdate: prepared((db, a) =>
        db.selectFrom('images').select(['id', 'deleted_at', 'locked', 'user_metadata']).where('org_id', '=', a(0)).where('hash', '=', a(1)).forUpdate(),
      ),
      setUserMetadata: prepared((db, a) => db.updateTable('images').set({ user_metadata: a(0) }).where('id', '=', a(1))),
      // A row when a hash in the org starts with the prefix a(1) (hex digits sort below "g", so
      // [prefix, prefix + "g") = a(1)..a(2) holds them all) or a short hash equals it.
      prefixTaken: prepared((db, a) =>
        db
          .selectFrom('images')
          .select('id')
          .where('org_id', '=', a(0))
          .where((eb) => eb.or([eb.and([eb('hash', '>=', a(1)), eb('hash', '<', a(2))]), eb('short_hash', '=', a(1))]))
          .limit(a(3)),
      ),
    },
    fields: {
      of: prepared((db, a) => db.selectFrom('user_fields').select(['name', 'type', 'seq', 'str', 'num']).where('image_id', '=', a(0))),
      count: prepared((db, a) => db.selectFrom('user_fields').select((eb) => eb.fn.countAll<number>().as('n')).where('image_id', '=', a(0))),
      upsert: prepared((db, a) =>
        db
          .insertInto('user_fields')
          .values({ image_id: a(0), org_id: a(1), name: a(2), type: a(3), seq: a(4), str: a(5), num: a(6) })
          .onConflict((oc) =>
            oc.columns(['image_id', 'name', 'seq']).doUpdateSet((eb) => ({
              type: eb.ref('excluded.type'),
              str: eb.ref('excluded.str'),
              num: eb.ref('excluded.num'),
            })),
          ),
      ),
      update: prepared((db, a) =>
        db
          .updateTable('user_fields')
          .set({ type: a(0), str: a(1), num: a(2) })
          .where('image_id', '=', a(3))
          .where('name', '=', a(4))
          .where('seq', '=', a(5)),
      ),
      delete: prepared((db, a) => db.deleteFrom('user_fields').where('image_id', '=', a(0)).where('name', '=', a(1)).where('seq', '=', a(2))),
      deleteAll: prepared((db, a) => db.deleteFrom('user_fields').where('image_id', '=', a(0))),
    },
  };

  /** Write transactions: SQLite batches them (group commit, see write-batcher.ts), PostgreSQL runs each alone. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.writes = dialect === 'sqlite' ? new BatchedWrites(db) : new DirectWrites(db);
  }

  async createOrganization(org: NewOrganization, now: Date, adminUserId?: string): Promise<Organization> {
    return this.writes.run((trx) => insertOrganization(trx, org, now, adminUserId));
  }

  async findOrganization(name: string): Promise<Organization | undefined> {
    const row = await this.db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toOrganization(row);
  }

  async findImage(orgId: number, hashOrShortHash: string, includeDeleted: boolean): Promise<ImageRecord | undefined> {
    const { image } = this.q;
    const full = hashOrShortHash.length === 40;
    const query = includeDeleted ? (full ? image.byHash : image.byShortHash) : full ? image.liveByHash : image.liveByShortHash;
    const [row] = (await query.run(this.db, [orgId, hashOrShortHash])).rows;
    return row && toImage(row);
  }

  /** Inside a transaction the row is locked against concurrent writers (SQLite serializes writers anyway). */
  private async findByHash(db: Db, orgId: number, hash: string): Promise<Selectable<ImagesTable> | undefined> {
    const query = this.dialect === 'postgres' && db.isTransaction ? this.q.image.byHashForUpdate : this.q.image.byHash;
    return (await query.run(db, [orgId, hash])).rows[0];
  }

  private insertIndexRows(db: Db, imageId: number, orgId: number, rows: IndexRow[]): Promise<void> {
    return insertInChunks(db, 'user_fields', rows.map((r) => ({ image_id: imageId, org_id: orgId, ...r })));
  }

  private insertSearchTerms(db: Db, imageId: number, orgId: number, terms: TermRow[]): Promise<void> {
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
  private async replaceIndexRows(db: Db, imageId: number, orgId: number, rows: IndexRow[], previous?: IndexRow[]): Promise<void> {
    const { fields } = this.q;
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
      await this.insertIndexRows(db, imageId, orgId, rows);
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
  private async syncSearchTerms(db: Db, row: Selectable<ImagesTable>): Promise<void> {
    await db.deleteFrom('search_terms').where('image_id', '=', row.id).execute();
    const terms = searchTerms({ name: row.name, dynamicMetadata: parseJson(row.dynamic_metadata), staticMetadata: parseJson(row.static_metadata) });
    await this.insertSearchTerms(db, row.id, row.org_id, terms);
  }

  private async insertImage(db: Db, orgId: number, image: NewImage, created: Date): Promise<Selectable<ImagesTable>> {
    const row = await db
      .insertInto('images')
      .values(imageRow(orgId, image, await this.allocateShortHash(db, orgId, image.hash), created))
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.insertIndexRows(db, row.id, orgId, image.userFieldRows);
    await this.insertSearchTerms(db, row.id, orgId, searchTerms(image));
    return row;
  }

  /** Shortest prefix (≥ 6) of `hash` that no other hash or short hash in the org starts with or equals. */
  private async allocateShortHash(db: Db, orgId: number, hash: string): Promise<string> {
    for (let length = SHORT_HASH_MIN; length < 40; length++) {
      const prefix = hash.slice(0, length);
      if ((await this.q.image.prefixTaken.run(db, [orgId, prefix, `${prefix}g`, 1])).rows.length === 0) return prefix;
    }
    return hash;
  }

  async saveUploadedImages(
    orgId: number,
    images: NewImage[],
    now: Date,
    mergeUserMetadata: (existing: JsonObject, incoming: NewImage, existingLocked: boolean) => ReturnType<MetadataUpdate>,
  ): Promise<SavedImage[]> {
    return this.writes.run(async (trx) => {
      const saved: SavedImage[] = [];
      for (const image of images) {
        const existing = await this.findByHash(trx, orgId, image.hash);
        if (existing) {
          if (existing.blob_key !== image.blobKey) throw new HashCollisionError(image.hash);
          const merged = mergeUserMetadata(parseJson(existing.user_metadata), image, existing.locked === 1);
          const row = await trx
            .updateTable('images')
            .set({ user_metadata: JSON.stringify(merged.metadata), deleted_at: null })
            .where('id', '=', existing.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await this.replaceIndexRows(trx, row.id, orgId, merged.rows, merged.previous);
          saved.push({ image: toImage(row), created: false });
          continue;
        }
        saved.push({ image: toImage(await this.insertImage(trx, orgId, image, now)), created: true });
      }
      return saved;
    });
  }

  async updateUserMetadata(orgId: number, hash: string, update: MetadataUpdate): Promise<JsonObject | 'not_found' | 'locked'> {
    return this.writes.run(async (trx) => {
      // Only the columns needed: an image's static metadata (EXIF) can be kilobytes of JSON.
      const query = this.dialect === 'postgres' ? this.q.image.userMetadataForUpdate : this.q.image.userMetadata;
      const row = (await query.run(trx, [orgId, hash])).rows[0];
      if (!row || row.deleted_at !== null) return 'not_found';
      if (row.locked === 1) return 'locked';
      const next = update(parseJson(row.user_metadata));
      await this.q.image.setUserMetadata.run(trx, [JSON.stringify(next.metadata), row.id]);
      await this.replaceIndexRows(trx, row.id, orgId, next.rows, next.previous);
      return next.metadata;
    });
  }

  async deriveImage(
    orgId: number,
    sourceHash: string,
    target: DerivedTarget,
    options: { deletePrevious: boolean; now: Date },
  ): Promise<DeriveResult> {
    return this.writes.run(async (trx) => {
      const source = await this.findByHash(trx, orgId, sourceHash);
      if (!source || source.deleted_at !== null) return 'source_not_found';
      if (options.deletePrevious && source.locked === 1) return 'source_locked';

      let outcome: 'created' | 'existing' | 'restored';
      let row = await this.findByHash(trx, orgId, target.hash);
      if (row && row.deleted_at === null) {
        outcome = 'existing';
      } else if (row) {
        row = await trx.updateTable('images').set({ deleted_at: null }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        outcome = 'restored';
      } else {
        const image = toImage(source);
        const rows = (await this.q.fields.of.run(trx, [source.id])).rows;
        row = await this.insertImage(
          trx,
          orgId,
          { ...image, ...target, userFieldRows: rows },
          image.created,
        );
        outcome = 'created';
      }
      if (options.deletePrevious && source.id !== row.id) {
        await trx.updateTable('images').set({ deleted_at: options.now.getTime() }).where('id', '=', source.id).execute();
      }
      return { image: toImage(row), outcome };
    });
  }

  async copyImage(sourceOrgId: number, hash: string, destOrgId: number, options: { overwrite: boolean; now: Date }): Promise<CopyResult> {
    return this.writes.run(async (trx) => {
      const source = await this.findByHash(trx, sourceOrgId, hash);
      if (!source || source.deleted_at !== null) return 'source_not_found';
      const sourceRows = async () => (await this.q.fields.of.run(trx, [source.id])).rows;
      const existing = await this.findByHash(trx, destOrgId, hash);
      if (!existing) {
        const image = toImage(source);
        const row = await this.insertImage(trx, destOrgId, { ...image, userFieldRows: await sourceRows() }, image.created);
        return { outcome: 'created', image: toImage(row) };
      }
      if (existing.blob_key !== source.blob_key) throw new HashCollisionError(hash);
      const live = existing.deleted_at === null;
      if (live && !options.overwrite) return 'exists';
      if (live && existing.locked === 1) return 'destination_locked';
      const row = await trx
        .updateTable('images')
        .set({
          name: source.name,
          user_metadata: source.user_metadata,
          dynamic_metadata: source.dynamic_metadata,
          static_metadata: source.static_metadata,
          deleted_at: null,
        })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.replaceIndexRows(trx, existing.id, destOrgId, await sourceRows());
      await this.syncSearchTerms(trx, row);
      return { outcome: live ? 'overwritten' : 'restored', image: toImage(row) };
    });
  }

  async setDynamicMetadataInPlace(orgId: number, hash: string, dynamicMetadata: JsonObject): Promise<ImageRecord | 'not_found' | 'locked'> {
    return this.writes.run(async (trx) => {
      const row = await this.findByHash(trx, orgId, hash);
      if (!row || row.deleted_at !== null) return 'not_found';
      if (row.locked === 1) return 'locked';
      const updated = await trx
        .updateTable('images')
        .set({ dynamic_metadata: JSON.stringify(dynamicMetadata) })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.syncSearchTerms(trx, updated);
      return toImage(updated);
    });
  }

  async importImages(orgId: number, images: ImportedImage[]): Promise<number> {
    return this.writes.run(async (trx) => {
      const seen = new Set<string>();
      for (let i = 0; i < images.length; i += 500) {
        const hashes = images.slice(i, i + 500).map((image) => image.hash);
        const rows = await trx.selectFrom('images').select('hash').where('org_id', '=', orgId).where('hash', 'in', hashes).execute();
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
          (p) => sql<{ p: string }>`select ${p} as p where exists (select 1 from images where org_id = ${orgId} and hash >= ${p} and hash < ${`${p}g`})
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
          .values(
            chunk.map((image) => imageRow(orgId, image, prefixOf(image.hash), image.created)),
          )
          .returning(['id', 'hash'])
          .execute();
        const idOf = new Map(inserted.map((row) => [row.hash, row.id]));
        const userRows = chunk.flatMap((image) => image.userFieldRows.map((r) => ({ image_id: idOf.get(image.hash)!, org_id: orgId, ...r })));
        const termRows = chunk.flatMap((image) =>
          searchTerms(image).map((t) => ({ image_id: idOf.get(image.hash)!, org_id: orgId, ...t })),
        );
        await insertInChunks(trx, 'user_fields', userRows);
        await insertInChunks(trx, 'search_terms', termRows);
      }
      for (const image of fresh.filter((image) => clash.has(prefixOf(image.hash)))) {
        await this.insertImage(trx, orgId, image, image.created);
      }
      return fresh.length;
    });
  }

  async searchImages(orgId: number, query: SearchQuery): Promise<SearchResult> {
    const found = await runSearch(this.db, { orgId, dialect: this.dialect }, query);
    return {
      total: found.total,
      items: found.rows.map(toImage),
      hasMore: found.hasMore,
      last: found.positions[found.positions.length - 1],
      facets: found.facets,
    };
  }

  async findByBinaryHash(orgId: number, binaryHash: string, page: Page): Promise<ImageList> {
    const base = this.db
      .selectFrom('images')
      .where('org_id', '=', orgId)
      .where('binary_hash', '=', binaryHash)
      .where('deleted_at', 'is', null);
    const countRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows =
      page.limit === 0
        ? []
        : await base
            .selectAll()
            .orderBy('created', 'desc')
            .orderBy('hash', 'asc')
            .limit(page.limit)
            .offset(page.offset)
            .execute();
    return { total: Number(countRow.n), items: rows.map(toImage) };
  }

  async softDelete(orgId: number, hash: string, now: Date): Promise<ChangeResult> {
    return this.writes.run(async (trx) => {
      const row = await this.findByHash(trx, orgId, hash);
      if (!row || row.deleted_at !== null) return 'not_found';
      if (row.locked === 1) return 'locked';
      await trx.updateTable('images').set({ deleted_at: now.getTime() }).where('id', '=', row.id).execute();
      return 'ok';
    });
  }

  async softDeleteByBinaryHash(
    orgId: number,
    binaryHash: string,
    now: Date,
  ): Promise<{ result: ChangeResult; count: number }> {
    return this.writes.run(async (trx) => {
      const rows = await trx
        .selectFrom('images')
        .select(['id', 'locked'])
        .where('org_id', '=', orgId)
        .where('binary_hash', '=', binaryHash)
        .where('deleted_at', 'is', null)
        .execute();
      if (rows.length === 0) return { result: 'not_found', count: 0 };
      if (rows.some((r) => r.locked === 1)) return { result: 'locked', count: 0 };
      await trx
        .updateTable('images')
        .set({ deleted_at: now.getTime() })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return { result: 'ok', count: rows.length };
    });
  }

  async restore(orgId: number, hash: string, deletedSince: Date): Promise<ImageRecord | undefined> {
    return this.writes.run(async (trx) => {
      const row = await this.findByHash(trx, orgId, hash);
      if (!row) return undefined;
      if (row.deleted_at === null) return toImage(row);
      if (Number(row.deleted_at) < deletedSince.getTime()) return undefined;
      const restored = await trx
        .updateTable('images')
        .set({ deleted_at: null })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toImage(restored);
    });
  }

  private async updateLive(
    orgId: number,
    hash: string,
    values: Partial<Pick<ImagesTable, 'name' | 'locked'>>,
  ): Promise<ImageRecord | undefined> {
    return this.writes.run(async (trx) => {
      const row = await trx
        .updateTable('images')
        .set(values)
        .where('org_id', '=', orgId)
        .where('hash', '=', hash)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      // The name's words are searchable (name_text): rewrite them with the name.
      if (row && values.name !== undefined) await this.syncSearchTerms(trx, row);
      return row && toImage(row);
    });
  }

  rename(orgId: number, hash: string, name: string): Promise<ImageRecord | undefined> {
    return this.updateLive(orgId, hash, { name });
  }

  setLocked(orgId: number, hash: string, locked: boolean): Promise<ImageRecord | undefined> {
    return this.updateLive(orgId, hash, { locked: locked ? 1 : 0 });
  }

  async purgeDeletedBefore(cutoff: Date, batchSize: number): Promise<number> {
    const result = await this.writes.run((trx) => {
      const doomed = trx
        .selectFrom('images')
        .select('id')
        .where('deleted_at', 'is not', null)
        .where('deleted_at', '<', cutoff.getTime())
        .limit(batchSize);
      return trx.deleteFrom('images').where('id', 'in', doomed).executeTakeFirst();
    });
    return Number(result.numDeletedRows);
  }

  async blobKeysInUse(keys: string[]): Promise<Set<string>> {
    const used = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = await this.db.selectFrom('images').select('blob_key').distinct().where('blob_key', 'in', chunk).execute();
      for (const r of rows) used.add(r.blob_key);
    }
    return used;
  }

  blobUsers(afterKey: string | undefined, limit: number): Promise<BlobUsers[]> {
    return blobUsersAfter(this.db, afterKey, limit);
  }

  async close(): Promise<void> {
    await this.writes.idle();
    await this.db.destroy();
  }
}
