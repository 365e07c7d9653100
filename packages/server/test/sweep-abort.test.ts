// The sweep stops after the batch under way once its signal is aborted (the
// server is stopping), in either phase: purging expired rows, or removing
// unused blobs. What it did until then stays done; the rest waits for the
// next sweep, which finishes it.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDeps } from '../src/service/deps.ts';
import { sweep } from '../src/service/sweep.ts';
import type { Catalog } from '../src/storage/catalog/catalog.ts';
import { blobFiles, createOrg, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer({ ORIGO_RESTORE_WINDOW_DAYS: '0', ORIGO_BLOB_GRACE_SECONDS: '0' });
  await createOrg(server, 'acme');
});
afterEach(() => server.close());

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `count` image rows deleted a day ago, written straight into the SQLite file. */
function insertExpiredRows(count: number): void {
  const db = new BetterSqlite3(path.join(server.dataDir, 'origo.sqlite'));
  try {
    const { id } = db.prepare("SELECT id FROM organizations WHERE name = 'acme'").get() as { id: number };
    const insert = db.prepare(
      `INSERT INTO images (org_id, hash, short_hash, binary_hash, blob_key, name, format, mimetype, size, width, height, opaque, animated, created, deleted_at)
       VALUES (?, ?, ?, ?, ?, 'x.png', 'png', 'image/png', 10, 1, 1, 1, 0, ?, ?)`,
    );
    const dayAgo = Date.now() - 86_400_000;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const hash = hex(i, 40);
        insert.run(id, hash, hash.slice(0, 6) + hex(i, 6), hash, `${hash}-${hex(i, 64)}`, dayAgo, dayAgo);
      }
    })();
  } finally {
    db.close();
  }
}

function rowCount(): number {
  const db = new BetterSqlite3(path.join(server.dataDir, 'origo.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** `count` blob files no row uses. */
function writeUnusedBlobs(count: number): void {
  for (let i = 0; i < count; i++) {
    const key = `${hex(i + 1, 8).repeat(5)}-${hex(i + 1, 8).repeat(8)}`;
    const dir = path.join(server.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, key), 'unused');
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
    insertExpiredRows(2500);
    writeUnusedBlobs(10);
    const abort = new AbortController();
    const report = await sweep(abortAfterFirst('purgeDeletedBefore', abort), abort.signal);
    expect(report).toEqual({ purgedImages: 1000, removedBlobs: 0, removedBytes: 0 });
    expect(rowCount()).toBe(1500);
    expect(blobFiles(server).blobs).toHaveLength(10);

    expect(await sweep(server.deps)).toEqual({ purgedImages: 1500, removedBlobs: 10, removedBytes: 60 });
    expect(rowCount()).toBe(0);
    expect(blobFiles(server).blobs).toEqual([]);
  });

  it('while removing blobs: stops after the blob batch under way, and the next sweep does the rest', async () => {
    writeUnusedBlobs(1200);
    const abort = new AbortController();
    const report = await sweep(abortAfterFirst('blobKeysInUse', abort), abort.signal);
    expect(report).toEqual({ purgedImages: 0, removedBlobs: 500, removedBytes: 3000 });
    expect(blobFiles(server).blobs).toHaveLength(700);

    expect(await sweep(server.deps)).toEqual({ purgedImages: 0, removedBlobs: 700, removedBytes: 4200 });
    expect(blobFiles(server).blobs).toEqual([]);
  });

  it('before it starts: purges one batch at most and removes nothing', async () => {
    insertExpiredRows(10);
    writeUnusedBlobs(10);
    const report = await sweep(server.deps, AbortSignal.abort());
    expect(report).toEqual({ purgedImages: 10, removedBlobs: 0, removedBytes: 0 });
    expect(blobFiles(server).blobs).toHaveLength(10);
  });
});
