// The sweep stops after the batch under way once its signal is aborted (the
// server is stopping), in either phase: purging expired rows, or removing
// unused blobs. What it did until then stays done; the rest waits for the
// next sweep, which finishes it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDeps } from '../src/service/deps.ts';
import { sweep } from '../src/service/sweep.ts';
import type { Catalog } from '../src/storage/catalog/catalog.ts';
import { catalogRows, withCatalog } from './catalog-rows.ts';
import { createOrg, startServer, type TestServer } from './helpers.ts';
import { blobFiles, writeBlob } from './stored-blobs.ts';
import { serversEmbedded } from './test-storage.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer({ ORIGO_RESTORE_WINDOW_DAYS: '0', ORIGO_BLOB_GRACE_SECONDS: '0' });
  await createOrg(server, 'acme');
});
afterEach(() => server.close());

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `count` image rows deleted a day ago, written straight into the catalog. */
async function insertExpiredRows(count: number): Promise<void> {
  await withCatalog(server, async (run) => {
    const [{ id }] = (await run<{ id: number }>("SELECT id FROM organizations WHERE name = 'acme'")).rows as [
      { id: number },
    ];
    const dayAgo = Date.now() - 86_400_000;
    const perStatement = 500;
    for (let first = 0; first < count; first += perStatement) {
      const rows: unknown[][] = [];
      for (let i = first; i < Math.min(count, first + perStatement); i++) {
        const hash = hex(i, 40);
        rows.push([id, hash, hash.slice(0, 6) + hex(i, 6), hash, `${hash}-${hex(i, 64)}`, dayAgo, dayAgo]);
      }
      await run(
        `INSERT INTO images (org_id, hash, short_hash, binary_hash, blob_key, name, format, mimetype, size, width, height, opaque, animated, created, deleted_at)
         VALUES ${rows.map(() => "(?, ?, ?, ?, ?, 'x.png', 'png', 'image/png', 10, 1, 1, 1, 0, ?, ?)").join(', ')}`,
        rows.flat(),
      );
    }
  });
}

async function rowCount(): Promise<number> {
  const [row] = await catalogRows<{ n: number }>(server, 'SELECT count(*) AS n FROM images');
  return Number(row!.n);
}

/** `count` blobs no row uses. */
async function writeUnusedBlobs(count: number): Promise<void> {
  const keys = Array.from({ length: count }, (_, i) => `${hex(i + 1, 8).repeat(5)}-${hex(i + 1, 8).repeat(8)}`);
  // A few at a time: S3 puts are round trips.
  for (let first = 0; first < keys.length; first += 20) {
    await Promise.all(keys.slice(first, first + 20).map((key) => writeBlob(server, key, 'unused')));
  }
}

/** The server's deps, with a catalog that aborts `abort` right after the first call of `method` (the stop arriving mid-sweep). */
function abortAfterFirst(method: 'purgeDeletedBefore' | 'blobKeysInUse', abort: AbortController): ServiceDeps {
  const real = server.deps.catalog;
  const catalog = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        abort.abort();
        return result;
      };
    },
  }) as Catalog;
  return { ...server.deps, catalog };
}

describe('a sweep whose signal is aborted', () => {
  it('while purging: stops after the purge batch under way, removes no blob, and the next sweep does the rest', async () => {
    await insertExpiredRows(2500);
    await writeUnusedBlobs(10);
    const abort = new AbortController();
    const report = await sweep(abortAfterFirst('purgeDeletedBefore', abort), abort.signal);
    expect(report).toEqual({ purgedImages: 1000, removedBlobs: 0, removedBytes: 0 });
    expect(await rowCount()).toBe(1500);
    expect((await blobFiles(server)).blobs).toHaveLength(10);

    expect(await sweep(server.deps)).toEqual({ purgedImages: 1500, removedBlobs: 10, removedBytes: 60 });
    expect(await rowCount()).toBe(0);
    expect((await blobFiles(server)).blobs).toEqual([]);
  });

  // More than one batch of 500 (sweep.ts KEY_BATCH). On S3 + PostgreSQL each
  // blob planted and swept is a few round trips (about 40 ms a blob swept,
  // measured on 2 cores), so fewer there.
  const planted = serversEmbedded ? 1200 : 600;
  it('while removing blobs: stops after the blob batch under way, and the next sweep does the rest', {
    timeout: serversEmbedded ? 30_000 : 120_000,
  }, async () => {
    await writeUnusedBlobs(planted);
    const abort = new AbortController();
    const report = await sweep(abortAfterFirst('blobKeysInUse', abort), abort.signal);
    expect(report).toEqual({ purgedImages: 0, removedBlobs: 500, removedBytes: 500 * 'unused'.length });
    expect((await blobFiles(server)).blobs).toHaveLength(planted - 500);

    expect(await sweep(server.deps)).toEqual({
      purgedImages: 0,
      removedBlobs: planted - 500,
      removedBytes: (planted - 500) * 'unused'.length,
    });
    expect((await blobFiles(server)).blobs).toEqual([]);
  });

  it('before it starts: purges one batch at most and removes nothing', async () => {
    await insertExpiredRows(10);
    await writeUnusedBlobs(10);
    const report = await sweep(server.deps, AbortSignal.abort());
    expect(report).toEqual({ purgedImages: 10, removedBlobs: 0, removedBytes: 0 });
    expect((await blobFiles(server)).blobs).toHaveLength(10);
  });
});
