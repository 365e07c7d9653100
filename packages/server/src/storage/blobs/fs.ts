// Blob store on the local file system: <root>/<k[0..2]>/<k[2..4]>/<key>.
// Temp files live in <root>/.tmp on the same volume, so commit is a rename.

import { createReadStream } from 'node:fs';
import { mkdir, open, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobRead, type BlobStat, type BlobStore, type ByteRange } from './blob-store.ts';
import { asStorageError } from '../storage-errors.ts';
import { fsyncPath } from './staging.ts';

const KEY = /^[0-9a-f]{40}-[0-9a-f]{64}$/;

export class FsBlobStore implements BlobStore {
  readonly tempDir: string;

  private constructor(private readonly root: string) {
    this.tempDir = path.join(root, '.tmp');
  }

  /**
   * With `keepTemp`, temp files are left alone: for a tool (the scrub) that
   * runs beside a server whose uploads are staging there.
   */
  static async open(root: string, options: { keepTemp?: boolean } = {}): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await mkdir(store.tempDir, { recursive: true });
    if (options.keepTemp) return store;
    // Temp files left by a crash belong to no request any more.
    for (const name of await readdir(store.tempDir)) {
      await rm(path.join(store.tempDir, name), { force: true });
    }
    return store;
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async commit(key: string, tempPath: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    try {
      // One level at a time: on a full disk, a recursive mkdir from
      // fs/promises fails with ENOENT (measured on Node 20) instead of ENOSPC.
      for (const level of [path.dirname(dir), dir]) {
        await mkdir(level).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
      }
      await rename(tempPath, target);
      // The rename itself must survive a crash too.
      await fsyncPath(dir);
    } catch (err) {
      throw asStorageError(err);
    }
  }

  async read(key: string, range?: ByteRange): Promise<BlobRead> {
    const file = this.pathOf(key);
    // Open first, so a missing blob is an error here and not mid-response.
    const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    });
    let size: number;
    let version: string;
    let changedAtMs: number;
    try {
      // fstat of the descriptor that is read: the size of exactly these bytes,
      // even if the path is replaced or the file changed after.
      const s = await handle.stat({ bigint: true });
      size = Number(s.size);
      version = `${s.dev}:${s.ino}:${s.size}:${s.ctimeNs}`;
      changedAtMs = Number(s.ctimeNs / 1_000_000n);
    } catch (err) {
      await handle.close();
      throw err;
    }
    // Never past the size measured: bytes appended later would overrun the
    // length a caller announced.
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    if (end < start) {
      // Nothing to read (an empty file, a range past its end); createReadStream refuses end < start.
      await handle.close();
      return { size, version, changedAtMs, stream: Readable.from([]) };
    }
    return { size, version, changedAtMs, stream: createReadStream('', { fd: handle, start, end, highWaterMark: 1024 * 1024 }) };
  }

  async stat(key: string): Promise<BlobStat | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return { key, size: s.size, modifiedAt: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string, unlessModifiedAfter?: Date): Promise<boolean> {
    const file = this.pathOf(key);
    if (!unlessModifiedAfter) {
      await rm(file, { force: true });
      return true;
    }
    // Move it aside first: an upload committing the same key from now on
    // creates a new file, and one that committed just before shows in the
    // moved file's time, in which case it is put back.
    const aside = path.join(this.tempDir, `collect-${key}-${Date.now()}`);
    try {
      await rename(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    const s = await stat(aside);
    if (s.mtime.getTime() > unlessModifiedAfter.getTime()) {
      if ((await this.stat(key)) === undefined) await rename(aside, file);
      else await rm(aside, { force: true });
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  async *list(): AsyncIterable<BlobStat> {
    for (const a of await readdirIfAny(this.root)) {
      if (a === '.tmp') continue;
      for (const b of await readdirIfAny(path.join(this.root, a))) {
        const dir = await opendir(path.join(this.root, a, b)).catch(() => undefined);
        if (!dir) continue;
        for await (const entry of dir) {
          if (!entry.isFile() || !KEY.test(entry.name)) continue;
          const s = await stat(path.join(dir.path, entry.name)).catch(() => undefined);
          if (s) yield { key: entry.name, size: s.size, modifiedAt: s.mtime };
        }
      }
    }
  }

  async close(): Promise<void> {}
}

async function readdirIfAny(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
