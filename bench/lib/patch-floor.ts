// The floor under a PATCH of user metadata on the embedded catalog: only the
// work no implementation of the issue can skip, done in this process with raw
// better-sqlite3 prepared statements (no HTTP, no Kysely, no batcher), in
// transactions of BATCH PATCHes each (what group commit reaches under load):
// read the image row (with what says whether it may be changed: deleted,
// locked), merge and validate the fields (origo's own code), write the JSON,
// and bring the typed index rows to the new values, touching only the rows
// that differ from those of the previous metadata (computed, not read back).
// Same schema (origo's migrations), same statements as origo's catalog (its
// prepared queries in sql-catalog.ts), same two bodies, same
// images-in-rotation as the HTTP benchmark. Not counted, as an
// implementation could skip them: the savepoint group commit gives each
// PATCH in origo, and the count of index rows that guards the computed
// previous rows.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indexRows, mergeUserMetadata } from '../../packages/server/src/images/user-metadata.ts';
import { openSqlite } from '../../packages/server/src/storage/catalog/sql/sqlite.ts';
import { closeStorage, openStorage } from '../../packages/server/src/storage/index.ts';

const BATCH = 32;

/** CPU µs per PATCH (user + system), over `count` PATCHes after a warm-up. */
export async function patchFloorUs(
  durability: 'full' | 'normal',
  images: number,
  bodies: Record<string, unknown>[],
  count = 20_000,
): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-floor-'));
  try {
    const storage = await openStorage({ dataDir: dir, sqliteDurability: durability });
    const org = await storage.catalog.createOrganization(
      { name: 'floor', displayName: 'floor', billingEmail: 'f@example.com', masterOrganization: 'floor' },
      new Date(),
    );
    const hashes = Array.from({ length: images }, (_, i) => i.toString(16).padStart(40, 'b'));
    await storage.catalog.saveUploadedImages(
      org.id,
      hashes.map((hash) => ({
        hash,
        binaryHash: hash,
        blobKey: hash,
        name: 'floor.jpg',
        format: 'jpg',
        mimetype: 'image/jpeg',
        size: 1,
        width: 1,
        height: 1,
        opaque: true,
        animated: false,
        protected: false,
        userMetadata: {},
        dynamicMetadata: {},
        staticMetadata: {},
        userFieldRows: [],
      })),
      new Date(),
      (existing) => ({ metadata: existing, rows: [] }),
    );
    await closeStorage(storage);

    const { raw } = openSqlite(path.join(dir, 'origo.sqlite'), durability);
    const select = raw.prepare(
      'select id, deleted_at, locked, user_metadata from images where org_id = ? and hash = ?',
    );
    const update = raw.prepare('update images set user_metadata = ? where id = ?');
    const insertRow = raw.prepare(
      'insert into user_fields (image_id, org_id, name, type, seq, str, num) values (?, ?, ?, ?, ?, ?, ?)',
    );
    const updateRow = raw.prepare(
      'update user_fields set type = ?, str = ?, num = ? where image_id = ? and name = ? and seq = ?',
    );
    const deleteRow = raw.prepare('delete from user_fields where image_id = ? and name = ? and seq = ?');

    const patch = (n: number) => {
      const image = select.get(org.id, hashes[n % images]) as {
        id: number;
        deleted_at: string | null;
        locked: number;
        user_metadata: string;
      };
      if (image.deleted_at !== null || image.locked === 1) throw new Error('floor: the image is deleted or locked');
      const current = JSON.parse(image.user_metadata);
      const metadata = mergeUserMetadata(current, bodies[Math.floor(n / images) % bodies.length]);
      update.run(JSON.stringify(metadata), image.id);
      const left = new Map(indexRows(current).map((r) => [`${r.name}\u0000${r.seq}`, r]));
      for (const r of indexRows(metadata)) {
        const key = `${r.name}\u0000${r.seq}`;
        const old = left.get(key);
        if (!old) insertRow.run(image.id, org.id, r.name, r.type, r.seq, r.str, r.num);
        else {
          left.delete(key);
          if (old.type !== r.type || old.str !== r.str || old.num !== r.num)
            updateRow.run(r.type, r.str, r.num, image.id, r.name, r.seq);
        }
      }
      for (const r of left.values()) deleteRow.run(image.id, r.name, r.seq);
    };
    const run = (from: number, to: number) => {
      for (let n = from; n < to; n += BATCH) {
        raw.transaction(() => {
          for (let k = n; k < Math.min(n + BATCH, to); k++) patch(k);
        })();
      }
    };

    run(0, count / 4); // warm-up: JIT, page cache
    const before = process.cpuUsage();
    run(count / 4, count / 4 + count);
    const used = process.cpuUsage(before);
    raw.close();
    return (used.user + used.system) / count;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
