// Blob claims in the shared database, for several origo nodes on one
// PostgreSQL (see ../blob-claims.ts for the protocol). Each claim is one
// upsert on the key's row: the row lock makes an upload's commit claim and
// a sweep's delete claim on the same key take turns, whichever node they
// run on. The table is UNLOGGED on PostgreSQL (created so by its
// migration): claims live for the seconds an upload or a deletion takes,
// so they need no WAL flush per commit.

import { setTimeout } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { StorageUnavailableError } from '../../unavailable.ts';
import { type BlobClaims, DELETE_WAIT_MS, STALE_COMMIT_CLAIM_MS, STALE_DELETE_CLAIM_MS } from '../blob-claims.ts';
import type { Database } from './schema.ts';
import { DirectWrites } from './write-batcher.ts';

/** How often an upload looks again whether a deletion it waits for is over. */
const POLL_MS = 25;

export class SqlBlobClaims implements BlobClaims {
  private readonly writes: DirectWrites;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.writes = new DirectWrites(db);
  }

  async claimForCommit(keys: readonly string[]): Promise<void> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return;
    // One statement for all keys; rows are locked in key order, so two
    // uploads sharing keys cannot deadlock.
    await this.writes.run(async (trx) => {
      const now = this.now();
      await trx
        .insertInto('blob_claims')
        .values(sorted.map((key) => ({ blob_key: key, commits: 1, touched: now, deleting_since: null })))
        .onConflict((oc) =>
          oc.column('blob_key').doUpdateSet((eb) => ({ commits: eb('blob_claims.commits', '+', 1), touched: now })),
        )
        .execute();
    });
    const deadline = this.now() + DELETE_WAIT_MS;
    for (;;) {
      const deleting = await this.db
        .selectFrom('blob_claims')
        .select('blob_key')
        .where('blob_key', 'in', sorted)
        .where('deleting_since', '>', this.now() - STALE_DELETE_CLAIM_MS)
        .executeTakeFirst();
      if (!deleting) return;
      if (this.now() > deadline) {
        await this.releaseCommit(sorted);
        throw new StorageUnavailableError(
          `the blob sweep has been deleting blob ${deleting.blob_key}, which this upload needs, for ${DELETE_WAIT_MS / 1000} s`,
          undefined,
        );
      }
      await setTimeout(POLL_MS);
    }
  }

  async releaseCommit(keys: readonly string[]): Promise<string[]> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return [];
    // A deadlock with another release (the rows of one UPDATE are locked in
    // no set order) is retried by DirectWrites; the whole release reruns.
    return this.writes.run(async (trx) => {
      const released = await trx
        .updateTable('blob_claims')
        .set((eb) => ({ commits: eb('commits', '-', 1), touched: this.now() }))
        .where('blob_key', 'in', sorted)
        .where('commits', '>', 0)
        .returning('blob_key')
        .execute();
      await forgetIdle(trx, sorted);
      const found = new Set(released.map((r) => r.blob_key));
      return sorted.filter((key) => !found.has(key));
    });
  }

  async claimForDelete(key: string): Promise<boolean> {
    return this.writes.run(async (trx) => {
      const now = this.now();
      // Claimed only when no live commit claim and no live deletion hold the
      // key; claims older than the stale limits were left by a crashed node.
      const claimed = await trx
        .insertInto('blob_claims')
        .values({ blob_key: key, commits: 0, touched: now, deleting_since: now })
        .onConflict((oc) =>
          oc
            .column('blob_key')
            .doUpdateSet({ commits: 0, touched: now, deleting_since: now })
            .where((eb) =>
              eb.and([
                eb.or([
                  eb('blob_claims.commits', '<=', 0),
                  eb('blob_claims.touched', '<', now - STALE_COMMIT_CLAIM_MS),
                ]),
                eb.or([
                  eb('blob_claims.deleting_since', 'is', null),
                  eb('blob_claims.deleting_since', '<', now - STALE_DELETE_CLAIM_MS),
                ]),
              ]),
            ),
        )
        .returning('blob_key')
        .executeTakeFirst();
      if (!claimed) return false;
      const used = await trx
        .selectFrom('images')
        .select('blob_key')
        .where('blob_key', '=', key)
        .limit(1)
        .executeTakeFirst();
      if (!used) return true;
      await trx.updateTable('blob_claims').set({ deleting_since: null }).where('blob_key', '=', key).execute();
      await forgetIdle(trx, [key]);
      return false;
    });
  }

  async releaseDelete(key: string): Promise<void> {
    await this.writes.run(async (trx) => {
      await trx
        .updateTable('blob_claims')
        .set({ deleting_since: null, touched: this.now() })
        .where('blob_key', '=', key)
        .execute();
      await forgetIdle(trx, [key]);
    });
  }
}

/** Rows that protect nothing any more are removed, so the table holds only what is in flight. */
async function forgetIdle(trx: Kysely<Database>, keys: string[]): Promise<void> {
  await trx
    .deleteFrom('blob_claims')
    .where('blob_key', 'in', keys)
    .where('commits', '<=', 0)
    .where('deleting_since', 'is', null)
    .execute();
}
