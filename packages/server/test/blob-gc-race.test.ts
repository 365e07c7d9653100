// An upload that brings back the bytes of a blob the sweep is deleting at
// that very moment must not lose them: the upload waits for the deletion to
// end, then puts the blob again, and its image downloads whole. (Before the
// catalog's blob claims, on S3 the sweep's DELETE could land after the
// upload's PUT and leave an acknowledged image without bytes.)

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sweep } from '../src/service/sweep.ts';
import type { BlobStore } from '../src/storage/blobs/blob-store.ts';
import { api, createOrg, png, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { bareClient, ensureBucket, freshPrefix, removeUnder, s3Configured, s3Env } from './s3-env.ts';

/** A gate: `wait()` settles once `open()` is called. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, wait: () => opened };
}

function race(name: string, env: () => Record<string, string>, cleanUp: () => Promise<void> = async () => {}) {
  // The catalog is this run's (SQLite, or PostgreSQL under test:scale-out); the blob store the case's.
  describe(name, () => {
    let server: TestServer;
    beforeEach(async () => {
      const own = env();
      server = await startServer(
        { ORIGO_RESTORE_WINDOW_DAYS: '0', ORIGO_BLOB_GRACE_SECONDS: '0', ...own },
        'ORIGO_S3_BUCKET' in own ? {} : { storage: 'blob-files' },
      );
      await createOrg(server, 'acme');
    });
    afterEach(async () => {
      await server?.close();
      await cleanUp();
    });

    it('an upload of bytes whose blob the sweep is deleting waits, then stores them again', async () => {
      const bytes = await png(7, 40, 30);
      const first = await upload(server, 'acme', [{ name: 'a.png', bytes }]);
      expect(first.status).toBe(200);
      const hash = first.json.items[0].hash as string;
      expect((await api(server, 'DELETE', `/sourceimages/acme/${hash}`)).status).toBe(204);

      // The sweep's delete of the now unused blob is held until released.
      const deleteStarted = gate();
      const releaseDelete = gate();
      const real = server.deps.blobs;
      const blobs: BlobStore = Object.assign(Object.create(real) as BlobStore, {
        delete: async (key: string) => {
          deleteStarted.open();
          await releaseDelete.wait();
          return real.delete(key);
        },
      });
      const sweeping = sweep({ ...server.deps, blobs });
      await deleteStarted.wait();

      let uploaded = false;
      const again = upload(server, 'acme', [{ name: 'a.png', bytes }]).then((res) => {
        uploaded = true;
        return res;
      });
      // The upload cannot finish while the deletion it waits for is held.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(uploaded).toBe(false);

      releaseDelete.open();
      expect(await sweeping).toEqual({ purgedImages: 1, removedBlobs: 1, removedBytes: bytes.length });
      const res = await again;
      expect(res.status).toBe(200);
      const download = await fetch(`${server.url}/sourceimages/acme/${res.json.items[0].hash}/download`, {
        headers: { 'Api-Key': ROOT_KEY },
      });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

      // And the next sweep leaves the blob alone: a row uses it again.
      expect(await sweep(server.deps)).toEqual({ purgedImages: 0, removedBlobs: 0, removedBytes: 0 });
    });
  });
}

race('file blob store', () => ({}));

describe.skipIf(!s3Configured)('S3 (ORIGO_TEST_S3_*)', () => {
  const prefix = freshPrefix('gc-race');
  beforeAll(async () => {
    const client = bareClient();
    await ensureBucket(client);
    client.destroy();
  });
  race(
    'S3 blob store',
    () => s3Env(prefix),
    async () => {
      const client = bareClient();
      await removeUnder(client, prefix);
      client.destroy();
    },
  );
});
