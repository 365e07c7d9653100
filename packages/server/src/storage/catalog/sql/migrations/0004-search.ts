import { sql } from 'kysely';
import { searchTerms0004 } from './0004-search-terms.ts';
import { type AnyDb, type Dialect, sqlTypes } from './shared.ts';

/**
 * Search (issue 4): every search shape is answered from an index.
 *
 * - user_fields: clustered on its primary key (SQLite); the by_str/by_num
 *   indexes gain the field type (a filter is on a name and a type) and
 *   become partial on the column they hold.
 * - images: partial indexes (org_id, column, deleted_at) over live rows for every
 *   filterable column, and (org_id, deleted_at) over deleted rows.
 * - search_terms: words of names, dynamic and static metadata values and
 *   words (see 0004-search-terms.ts), filled for existing images here.
 * - org_image_counts: the exact number of live images per organization,
 *   kept by triggers in the same transaction as every insert, delete,
 *   soft delete, restore and purge, so the unfiltered total is one lookup.
 */
/** PostgreSQL: rows the live count of an organization is spread over. */
const COUNT_SLOTS = 16;

export function search(dialect: Dialect) {
  const { bigint, real, text } = sqlTypes(dialect);
  return {
    async up(db: AnyDb): Promise<void> {
      // -- user_fields ------------------------------------------------------
      if (dialect === 'sqlite') {
        // Rebuilt clustered on its primary key (WITHOUT ROWID): the per-row
        // checks of search, (image_id, name, seq) lookups, take one b-tree
        // descent instead of two, and the separate key index goes away.
        await db.schema
          .createTable('user_fields_clustered')
          .addColumn('image_id', sql.raw(bigint), (c) => c.notNull().references('images.id').onDelete('cascade'))
          .addColumn('org_id', sql.raw(bigint), (c) => c.notNull())
          .addColumn('name', sql.raw(text), (c) => c.notNull())
          .addColumn('type', sql.raw(text), (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('str', sql.raw(text))
          .addColumn('num', sql.raw(real))
          .addPrimaryKeyConstraint('user_fields_pk', ['image_id', 'name', 'seq'])
          .modifyEnd(sql`without rowid`)
          .execute();
        await sql`insert into user_fields_clustered (image_id, org_id, name, type, seq, str, num)
          select image_id, org_id, name, type, seq, str, num from user_fields`.execute(db);
        await db.schema.dropTable('user_fields').execute();
        await sql`alter table user_fields_clustered rename to user_fields`.execute(db);
      } else {
        // PostgreSQL: the heap stays; an index-only scan on the key needs the
        // checked columns, e.g. INCLUDE (type, str, num), when it lands.
        await db.schema.dropIndex('user_fields_by_str').execute();
        await db.schema.dropIndex('user_fields_by_num').execute();
      }
      await db.schema
        .createIndex('user_fields_by_str')
        .on('user_fields')
        .columns(['org_id', 'name', 'type', 'str', 'image_id'])
        .where(sql.ref('str'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('user_fields_by_num')
        .on('user_fields')
        .columns(['org_id', 'name', 'type', 'num', 'image_id'])
        .where(sql.ref('num'), 'is not', null)
        .execute();

      // -- images -----------------------------------------------------------
      // deleted_at (always null in these) makes the index covering for the
      // liveness check: SQLite would otherwise read the row to test it.
      for (const column of ['name', 'mimetype', 'format', 'size', 'width', 'height']) {
        await db.schema
          .createIndex(`images_live_by_${column}`)
          .on('images')
          .columns(['org_id', column, 'deleted_at'])
          .where(sql.ref('deleted_at'), 'is', null)
          .execute();
      }
      await db.schema
        .createIndex('images_org_deleted_at')
        .on('images')
        .columns(['org_id', 'deleted_at'])
        .where(sql.ref('deleted_at'), 'is not', null)
        .execute();

      // -- search_terms -----------------------------------------------------
      let terms = db.schema
        .createTable('search_terms')
        .addColumn('image_id', sql.raw(bigint), (c) => c.notNull().references('images.id').onDelete('cascade'))
        .addColumn('org_id', sql.raw(bigint), (c) => c.notNull())
        .addColumn('name', sql.raw(text), (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('str', sql.raw(text))
        .addColumn('num', sql.raw(real))
        .addPrimaryKeyConstraint('search_terms_pk', ['image_id', 'name', 'seq']);
      // SQLite: the primary key is the table (no separate rowid b-tree).
      if (dialect === 'sqlite') terms = terms.modifyEnd(sql`without rowid`);
      await terms.execute();
      await db.schema
        .createIndex('search_terms_by_str')
        .on('search_terms')
        .columns(['org_id', 'name', 'str', 'image_id'])
        .where(sql.ref('str'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('search_terms_by_num')
        .on('search_terms')
        .columns(['org_id', 'name', 'num', 'image_id'])
        .where(sql.ref('num'), 'is not', null)
        .execute();
      await fillSearchTerms(db);

      // -- org_image_counts -------------------------------------------------
      if (dialect === 'sqlite') {
        // SQLite has one writer at a time: one row per organization costs no concurrency.
        await db.schema
          .createTable('org_image_counts')
          .addColumn('org_id', sql.raw(bigint), (c) => c.primaryKey())
          .addColumn('live', sql.raw(bigint), (c) => c.notNull())
          .execute();
        await sql`create trigger images_count_insert after insert on images when new.deleted_at is null
          begin
            insert into org_image_counts (org_id, live) values (new.org_id, 1)
              on conflict (org_id) do update set live = live + 1;
          end`.execute(db);
        await sql`create trigger images_count_delete after delete on images when old.deleted_at is null
          begin
            update org_image_counts set live = live - 1 where org_id = old.org_id;
          end`.execute(db);
        await sql`create trigger images_count_state after update of deleted_at on images
          when (old.deleted_at is null) <> (new.deleted_at is null)
          begin
            insert into org_image_counts (org_id, live) values (new.org_id, case when new.deleted_at is null then 1 else -1 end)
              on conflict (org_id) do update set live = live + excluded.live;
          end`.execute(db);
      } else {
        // PostgreSQL: one counter row per organization would be locked by
        // every upload and delete in it until commit, serializing all writes
        // of an organization across nodes. The count is spread over
        // COUNT_SLOTS rows instead, a writer takes the slot of its
        // connection (backend pid), and the total is their sum (search/run.ts).
        await db.schema
          .createTable('org_image_counts')
          .addColumn('org_id', sql.raw(bigint), (c) => c.notNull())
          .addColumn('slot', 'integer', (c) => c.notNull())
          .addColumn('live', sql.raw(bigint), (c) => c.notNull())
          .addPrimaryKeyConstraint('org_image_counts_pk', ['org_id', 'slot'])
          .execute();
        await sql`create function origo_count_images() returns trigger language plpgsql as $$
          declare
            delta bigint := 0;
            org bigint;
          begin
            if tg_op = 'INSERT' then
              if new.deleted_at is null then delta := 1; end if;
              org := new.org_id;
            elsif tg_op = 'DELETE' then
              if old.deleted_at is null then delta := -1; end if;
              org := old.org_id;
            elsif (old.deleted_at is null) <> (new.deleted_at is null) then
              delta := case when new.deleted_at is null then 1 else -1 end;
              org := new.org_id;
            end if;
            if delta <> 0 then
              insert into org_image_counts (org_id, slot, live) values (org, pg_backend_pid() % ${sql.lit(COUNT_SLOTS)}, delta)
                on conflict (org_id, slot) do update set live = org_image_counts.live + excluded.live;
            end if;
            if tg_op = 'DELETE' then return old; end if;
            return new;
          end $$`.execute(db);
        await sql`create trigger images_count after insert or delete or update of deleted_at on images
          for each row execute function origo_count_images()`.execute(db);
      }
      if (dialect === 'sqlite') {
        await sql`insert into org_image_counts (org_id, live)
          select org_id, count(*) from images where deleted_at is null group by org_id`.execute(db);
      } else {
        await sql`insert into org_image_counts (org_id, slot, live)
          select org_id, 0, count(*) from images where deleted_at is null group by org_id`.execute(db);
      }
    },
    async down(db: AnyDb): Promise<void> {
      if (dialect === 'sqlite') {
        for (const t of ['images_count_insert', 'images_count_delete', 'images_count_state'])
          await sql`drop trigger ${sql.id(t)}`.execute(db);
      } else {
        await sql`drop trigger images_count on images`.execute(db);
        await sql`drop function origo_count_images()`.execute(db);
      }
      await db.schema.dropTable('org_image_counts').execute();
      await db.schema.dropTable('search_terms').execute();
      await db.schema.dropIndex('images_org_deleted_at').execute();
      for (const column of ['name', 'mimetype', 'format', 'size', 'width', 'height'])
        await db.schema.dropIndex(`images_live_by_${column}`).execute();
    },
  };
}

/** Index rows for the images that exist already, in batches. */
async function fillSearchTerms(db: AnyDb): Promise<void> {
  let after = 0;
  for (;;) {
    const images: { id: number; org_id: number; name: string; dynamic_metadata: string; static_metadata: string }[] =
      await db
        .selectFrom('images')
        .select(['id', 'org_id', 'name', 'dynamic_metadata', 'static_metadata'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(500)
        .execute();
    if (images.length === 0) return;
    const rows = images.flatMap((image) =>
      searchTerms0004({
        name: image.name,
        dynamicMetadata: JSON.parse(image.dynamic_metadata),
        staticMetadata: JSON.parse(image.static_metadata),
      }).map((term) => ({ image_id: image.id, org_id: image.org_id, ...term })),
    );
    for (let i = 0; i < rows.length; i += 100)
      await db
        .insertInto('search_terms')
        .values(rows.slice(i, i + 100))
        .execute();
    after = images[images.length - 1]!.id;
  }
}
