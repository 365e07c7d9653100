// The blob-claims contract (storage/catalog/blob-claims.ts), over what
// openStorage chooses: in-memory claims beside SQLite always, the shared
// table on PostgreSQL when ORIGO_TEST_DATABASE_URL names a server. The sweep
// may delete a blob only while no upload is committing it and no row uses
// it; an upload that wants a blob being deleted waits for the deletion.

import { setTimeout } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_COMMIT_CLAIM_MS, STALE_DELETE_CLAIM_MS } from '../../src/storage/catalog/blob-claims.ts';
import { openPostgres } from '../../src/storage/catalog/sql/postgres.ts';
import { SqlBlobClaims } from '../../src/storage/catalog/sql/sql-blob-claims.ts';
import type { Storage } from '../../src/storage/index.ts';
import { newImageRecord } from '../fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../pg-database.ts';
import { openBackend } from './backends.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];

const KEY_A = `${'a'.repeat(40)}-${'1'.repeat(64)}`;
const KEY_B = `${'b'.repeat(40)}-${'2'.repeat(64)}`;

/** Settles to true or false: whether `promise` has resolved by the time a few turns of polling have passed. */
async function resolvedSoon(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  // Several of the SQL claims' poll intervals: a wait that does not wait shows by then.
  await setTimeout(300);
  return done;
}

function conformance(name: string, open: () => Promise<{ storage: Storage; close(): Promise<void> }>) {
  describe(name, () => {
    let storage: Storage;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ storage, close } = await open());
    });
    afterEach(() => close());

    it('does not claim for deletion a key an upload is committing, until the upload releases it', async () => {
      await storage.claims.claimForCommit([KEY_A, KEY_B]);
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(false);
      expect(await storage.claims.releaseCommit([KEY_A, KEY_B])).toEqual([]);
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(true);
      await storage.claims.releaseDelete(KEY_A);
    });

    it('counts commits: a key two uploads commit stays claimed until both release', async () => {
      await storage.claims.claimForCommit([KEY_A]);
      await storage.claims.claimForCommit([KEY_A]);
      await storage.claims.releaseCommit([KEY_A]);
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(false);
      await storage.claims.releaseCommit([KEY_A]);
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(true);
      await storage.claims.releaseDelete(KEY_A);
    });

    it('never claims for deletion a key an image row uses, live or deleted', async () => {
      const org = await storage.catalog.createOrganization(
        { name: 'acme', displayName: 'Acme', billingEmail: 'a@example.com', masterOrganization: 'acme' },
        new Date(),
      );
      const hash = 'c'.repeat(40);
      await storage.catalog.saveUploadedImages(org.id, [newImageRecord(hash, { blobKey: KEY_A })], new Date(), () => {
        throw new Error('no merge expected');
      });
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(false);
      await storage.catalog.softDelete(org.id, hash, new Date());
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(false);
      // The refused claim left nothing behind: a commit claim needs no wait.
      expect(await resolvedSoon(storage.claims.claimForCommit([KEY_A]))).toBe(true);
      await storage.claims.releaseCommit([KEY_A]);
    });

    it('lets one sweep at a time delete a key', async () => {
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(true);
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(false);
      await storage.claims.releaseDelete(KEY_A);
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(true);
      await storage.claims.releaseDelete(KEY_A);
    });

    it('makes an upload that wants a key being deleted wait until the deletion is released', async () => {
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(true);
      const commit = storage.claims.claimForCommit([KEY_B, KEY_A]);
      expect(await resolvedSoon(commit)).toBe(false);
      await storage.claims.releaseDelete(KEY_A);
      await commit;
      // The waiting upload's claim holds from then on.
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(false);
      await storage.claims.releaseCommit([KEY_A, KEY_B]);
    });
  });
}

conformance('in-memory claims (SQLite)', () => openBackend());

describe.skipIf(!adminUrl)('PostgreSQL (ORIGO_TEST_DATABASE_URL)', () => {
  conformance('claims in PostgreSQL', async () => {
    const database = await createTestDatabase(adminUrl!);
    return openBackend(database.url, database.drop);
  });

  describe('claims left by a crashed node, and claims the database forgot', () => {
    let database: TestDatabase;
    let storage: Storage;
    let close: () => Promise<void>;
    beforeEach(async () => {
      database = await createTestDatabase(adminUrl!);
      ({ storage, close } = await openBackend(database.url, database.drop));
    });
    afterEach(() => close());

    /** Claims on the same database whose clock reads `at`. */
    function claimsAt(at: () => number) {
      const { db } = openPostgres(database.url, { poolSize: 2 });
      return { claims: new SqlBlobClaims(db, at), close: () => db.destroy() };
    }

    it('stops honouring a commit claim older than the stale limit', async () => {
      const past = claimsAt(() => Date.now() - STALE_COMMIT_CLAIM_MS - 60_000);
      try {
        await past.claims.claimForCommit([KEY_A]);
      } finally {
        await past.close();
      }
      expect(await storage.claims.claimForDelete(KEY_A)).toBe(true);
      await storage.claims.releaseDelete(KEY_A);
    });

    it('stops waiting for a deletion older than the stale limit', async () => {
      const past = claimsAt(() => Date.now() - STALE_DELETE_CLAIM_MS - 60_000);
      try {
        expect(await past.claims.claimForDelete(KEY_A)).toBe(true);
      } finally {
        await past.close();
      }
      expect(await resolvedSoon(storage.claims.claimForCommit([KEY_A]))).toBe(true);
      await storage.claims.releaseCommit([KEY_A]);
    });

    it('reports at release the keys whose claim is gone', async () => {
      await storage.claims.claimForCommit([KEY_A, KEY_B]);
      const { db } = openPostgres(database.url, { poolSize: 1 });
      try {
        // What a PostgreSQL crash does to the UNLOGGED table.
        await db.deleteFrom('blob_claims').where('blob_key', '=', KEY_B).execute();
      } finally {
        await db.destroy();
      }
      expect(await storage.claims.releaseCommit([KEY_A, KEY_B])).toEqual([KEY_B]);
    });
  });
});
