// The catalog on SQL through Kysely. Queries here are dialect-neutral; what
// differs between SQLite and PostgreSQL lives in sqlite.ts, the migrations
// and the few `dialect` branches below (row locks, how writes commit).

import type { Kysely, Selectable } from 'kysely';
import {
  type BlobUsers,
  type Catalog,
  type ChangeResult,
  type CopyResult,
  type DerivedTarget,
  type DeriveResult,
  HashCollisionError,
  type ImageList,
  type ImageRecord,
  type ImportedImage,
  type JsonObject,
  type MetadataUpdate,
  type NewImage,
  type NewOrganization,
  type Organization,
  type Page,
  type PurgedImage,
  type SavedImage,
  type SearchQuery,
  type SearchResult,
} from '../catalog.ts';
import { blobUsersAfter } from './blob-users.ts';
import { type Db, parseJson, toImage } from './image-rows.ts';
import { imageStatements } from './image-statements.ts';
import { replaceIndexRows, syncSearchTerms } from './index-rows.ts';
import { importImages, insertImage } from './insert-images.ts';
import { insertOrganization, toOrganization } from './organizations.ts';
import type { Database, Dialect, ImagesTable } from './schema.ts';
import { runSearch } from './search/run.ts';
import { BatchedWrites, DirectWrites, type WriteRunner } from './write-batcher.ts';

export class SqlCatalog implements Catalog {
  private readonly writes: WriteRunner;

  /** The statements of the hot paths (image lookups, user-metadata writes), compiled once. */
  private readonly q = imageStatements();

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

  async updateOrganizationOptions(orgId: number, update: (current: JsonObject) => JsonObject): Promise<Organization> {
    return this.writes.run(async (trx) => {
      const row = await trx
        .selectFrom('organizations')
        .select('options')
        .where('id', '=', orgId)
        .$if(this.dialect === 'postgres', (q) => q.forNoKeyUpdate())
        .executeTakeFirstOrThrow();
      const next = update(parseJson(row.options));
      const updated = await trx
        .updateTable('organizations')
        .set({ options: JSON.stringify(next) })
        .where('id', '=', orgId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toOrganization(updated);
    });
  }

  async findImage(orgId: number, hashOrShortHash: string, includeDeleted: boolean): Promise<ImageRecord | undefined> {
    const { image } = this.q;
    const full = hashOrShortHash.length === 40;
    const query = includeDeleted
      ? full
        ? image.byHash
        : image.byShortHash
      : full
        ? image.liveByHash
        : image.liveByShortHash;
    const [row] = (await query.run(this.db, [orgId, hashOrShortHash])).rows;
    return row && toImage(row);
  }

  /** Inside a transaction the row is locked against concurrent writers (SQLite serializes writers anyway). */
  private async findByHash(db: Db, orgId: number, hash: string): Promise<Selectable<ImagesTable> | undefined> {
    const query = this.dialect === 'postgres' && db.isTransaction ? this.q.image.byHashForUpdate : this.q.image.byHash;
    return (await query.run(db, [orgId, hash])).rows[0];
  }

  async saveUploadedImages(
    orgId: number,
    images: NewImage[],
    now: Date,
    mergeUserMetadata: (
      existing: JsonObject,
      incoming: NewImage,
      existingLocked: boolean,
    ) => ReturnType<MetadataUpdate>,
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
          await replaceIndexRows(trx, this.q.fields, row.id, orgId, merged.rows, merged.previous);
          saved.push({ image: toImage(row), created: false });
          continue;
        }
        saved.push({ image: toImage(await insertImage(trx, this.q, orgId, image, now)), created: true });
      }
      return saved;
    });
  }

  async updateUserMetadata(
    orgId: number,
    hash: string,
    update: MetadataUpdate,
  ): Promise<JsonObject | 'not_found' | 'locked'> {
    return this.writes.run(async (trx) => {
      // Only the columns needed: an image's static metadata (EXIF) can be kilobytes of JSON.
      // runNow first: on SQLite's direct path a statement needs no promise.
      const query = this.dialect === 'postgres' ? this.q.image.userMetadataForUpdate : this.q.image.userMetadata;
      const args = [orgId, hash];
      const row = (query.runNow(trx, args) ?? (await query.run(trx, args))).rows[0];
      if (!row || row.deleted_at !== null) return 'not_found';
      if (row.locked === 1) return 'locked';
      const next = update(parseJson(row.user_metadata));
      const set = [JSON.stringify(next.metadata), row.id];
      if (!this.q.image.setUserMetadata.runNow(trx, set)) await this.q.image.setUserMetadata.run(trx, set);
      await replaceIndexRows(trx, this.q.fields, row.id, orgId, next.rows, next.previous, Number(row.index_rows));
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
        row = await trx
          .updateTable('images')
          .set({ deleted_at: null })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        outcome = 'restored';
      } else {
        const image = toImage(source);
        const rows = (await this.q.fields.of.run(trx, [source.id])).rows;
        row = await insertImage(trx, this.q, orgId, { ...image, ...target, userFieldRows: rows }, image.created);
        outcome = 'created';
      }
      if (options.deletePrevious && source.id !== row.id) {
        await trx
          .updateTable('images')
          .set({ deleted_at: options.now.getTime() })
          .where('id', '=', source.id)
          .execute();
      }
      return { image: toImage(row), outcome };
    });
  }

  async copyImage(
    sourceOrgId: number,
    hash: string,
    destOrgId: number,
    options: { overwrite: boolean; now: Date },
  ): Promise<CopyResult> {
    return this.writes.run(async (trx) => {
      const source = await this.findByHash(trx, sourceOrgId, hash);
      if (!source || source.deleted_at !== null) return 'source_not_found';
      const sourceRows = async () => (await this.q.fields.of.run(trx, [source.id])).rows;
      const existing = await this.findByHash(trx, destOrgId, hash);
      if (!existing) {
        const image = toImage(source);
        const row = await insertImage(
          trx,
          this.q,
          destOrgId,
          { ...image, userFieldRows: await sourceRows() },
          image.created,
        );
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
      await replaceIndexRows(trx, this.q.fields, existing.id, destOrgId, await sourceRows());
      await syncSearchTerms(trx, row);
      return { outcome: live ? 'overwritten' : 'restored', image: toImage(row) };
    });
  }

  async setDynamicMetadataInPlace(
    orgId: number,
    hash: string,
    dynamicMetadata: JsonObject,
  ): Promise<ImageRecord | 'not_found' | 'locked'> {
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
      await syncSearchTerms(trx, updated);
      return toImage(updated);
    });
  }

  async importImages(orgId: number, images: ImportedImage[]): Promise<number> {
    return this.writes.run((trx) => importImages(trx, this.q, orgId, images));
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
      if (row && values.name !== undefined) await syncSearchTerms(trx, row);
      return row && toImage(row);
    });
  }

  rename(orgId: number, hash: string, name: string): Promise<ImageRecord | undefined> {
    return this.updateLive(orgId, hash, { name });
  }

  setLocked(orgId: number, hash: string, locked: boolean): Promise<ImageRecord | undefined> {
    return this.updateLive(orgId, hash, { locked: locked ? 1 : 0 });
  }

  async purgeDeletedBefore(cutoff: Date, batchSize: number): Promise<PurgedImage[]> {
    return this.writes.run(async (trx) => {
      const doomed = trx
        .selectFrom('images')
        .select('id')
        .where('deleted_at', 'is not', null)
        .where('deleted_at', '<', cutoff.getTime())
        .limit(batchSize);
      // (org_id, hash) is unique over all rows, deleted ones too, so each
      // row removed is the last of its image. Only the rows this statement
      // removed come back: another node purging at the same time gets its own.
      const purged = await trx.deleteFrom('images').where('id', 'in', doomed).returning(['org_id', 'hash']).execute();
      if (purged.length === 0) return [];
      const orgIds = [...new Set(purged.map((row) => row.org_id))];
      const orgs = await trx.selectFrom('organizations').select(['id', 'name']).where('id', 'in', orgIds).execute();
      const names = new Map(orgs.map((org) => [org.id, org.name]));
      return purged.flatMap((row) => {
        const orgName = names.get(row.org_id);
        return orgName === undefined ? [] : [{ orgName, hash: row.hash }];
      });
    });
  }

  async blobKeysInUse(keys: string[]): Promise<Set<string>> {
    const used = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('images')
        .select('blob_key')
        .distinct()
        .where('blob_key', 'in', chunk)
        .execute();
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
