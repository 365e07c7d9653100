// Storage reports a full disk as its own StorageFullError, from SQLite's
// SQLITE_FULL (a database capped with max_page_count) and from the file
// system's ENOSPC (a small tmpfs, filled; mounting needs root, as in CI).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { OrigoError } from '../errors.ts';
import { stageStream } from '../service/staging.ts';
import { FsBlobStore } from './blobs/fs.ts';
import { openSqlite } from './catalog/sql/sqlite.ts';
import { BatchedWrites, inTransaction } from './catalog/sql/write-batcher.ts';
import { asStorageError, StorageFullError, storageFullIn } from './storage-errors.ts';

describe('asStorageError', () => {
  it('turns the file system and SQLite codes into a StorageFullError with a reason', () => {
    const enospc = Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' });
    const full = asStorageError(enospc);
    expect(full).toBeInstanceOf(StorageFullError);
    expect(full).toMatchObject({ code: 'ENOSPC', reason: 'the disk is full', cause: enospc });
    expect(asStorageError(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toMatchObject({
      reason: 'the disk quota is used up',
    });
    const wrapped = new Error('insert failed', {
      cause: Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
    });
    expect(asStorageError(wrapped)).toMatchObject({
      code: 'SQLITE_FULL',
      reason: 'the disk under the catalog is full',
      cause: wrapped,
    });
  });

  it('leaves other errors, and OrigoErrors, as they are', () => {
    const other = Object.assign(new Error('gone'), { code: 'ENOENT' });
    expect(asStorageError(other)).toBe(other);
    const answer = new OrigoError('ORIGO_ERR_UPLOAD_TOO_LARGE', 'too large');
    expect(asStorageError(answer)).toBe(answer);
    expect(asStorageError('text')).toBe('text');
    const prototypeName = Object.assign(new Error('odd'), { code: 'toString' });
    expect(asStorageError(prototypeName)).toBe(prototypeName);
  });

  it('is found again through the causes of an error that wraps it', () => {
    const full = new StorageFullError('ENOSPC', 'the disk is full', undefined);
    expect(storageFullIn(new Error('outer', { cause: full }))).toBe(full);
    expect(storageFullIn(new Error('plain'))).toBeUndefined();
  });
});

describe('catalog writes on a full database (max_page_count)', () => {
  const big = Buffer.alloc(30_000, 7);

  async function fullDatabase() {
    const opened = openSqlite(':memory:');
    await sql`create table b (v blob)`.execute(opened.db);
    opened.raw.pragma('max_page_count = 20'); // room for two rows of 30 kB, not three
    return opened;
  }

  it('rejects every job of an overflowing batch, and a lone job, with StorageFullError', async () => {
    const { db } = await fullDatabase();
    const writes = new BatchedWrites(db);
    const insertBig = () => writes.run((trx) => sql`insert into b (v) values (${big})`.execute(trx));
    const results = await Promise.allSettled([insertBig(), insertBig(), insertBig()]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StorageFullError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'SQLITE_FULL',
        reason: 'the disk under the catalog is full',
      });
    }
    await insertBig();
    await insertBig();
    await expect(insertBig()).rejects.toBeInstanceOf(StorageFullError);
    await writes.idle();
    await db.destroy();
  });

  it('rejects a transaction of its own (accounts, PostgreSQL writes) with StorageFullError', async () => {
    const { db } = await fullDatabase();
    const job = () =>
      inTransaction(db, async (trx) => {
        for (let i = 0; i < 3; i++) await sql`insert into b (v) values (${big})`.execute(trx);
      });
    await expect(job()).rejects.toBeInstanceOf(StorageFullError);
    expect((await sql<{ n: number }>`select count(*) as n from b`.execute(db)).rows[0]!.n).toBe(0);
    await db.destroy();
  });
});

function tryMount(options: string): { dir: string } | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'needs Linux to mount a tmpfs' };
  if (process.getuid?.() !== 0) return { skip: 'needs root to mount a tmpfs (CI runs as root)' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-full-unit-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    return { skip: `mount -t tmpfs failed: ${(err as Error).message}` };
  }
  return { dir };
}

// 1 MiB of room and few inodes: a larger file and a new directory both find it full.
const mounted = tryMount('size=1m,nr_inodes=64');
if ('skip' in mounted) console.warn(`storage-errors.test.ts: the file system part is skipped: ${mounted.skip}`);

describe.skipIf('skip' in mounted)('blob writes on a full disk (tmpfs)', () => {
  const root = 'dir' in mounted ? mounted.dir : '';
  afterAll(() => {
    execFileSync('umount', [root]);
    rmdirSync(root);
  });

  it('staging rejects with StorageFullError and leaves no temp file; a put does too when a directory cannot be made', async () => {
    const store = await FsBlobStore.open(path.join(root, 'blobs'));
    const stagingDir = path.join(root, 'tmp');
    mkdirSync(stagingDir);
    const source = Readable.from([Buffer.alloc(2 * 1024 * 1024, 1)]);
    const staging = stageStream(source, stagingDir, 10 * 1024 * 1024, 'file "big.png"');
    await expect(staging).rejects.toBeInstanceOf(StorageFullError);
    await expect(staging).rejects.toMatchObject({ code: 'ENOSPC', reason: 'the disk is full' });
    expect(readdirSync(stagingDir)).toEqual([]);

    const staged = await stageStream(Readable.from([Buffer.from('small')]), stagingDir, 1024, 'file "small.png"');
    // Use up the inodes, so the commit's new directories cannot be made.
    for (let i = 0; ; i++) {
      try {
        writeFileSync(path.join(root, `inode-${i}`), '');
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
        break;
      }
    }
    const put = store.put(`${'ab'.repeat(20)}-${'cd'.repeat(32)}`, staged);
    await expect(put).rejects.toBeInstanceOf(StorageFullError);
    await expect(put).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
