// Blob store on the local file system: <root>/<k[0..2]>/<k[2..4]>/<key>.
// A put hard-links the staged file into place (the staging folder is on the
// same volume in the default layout), so a blob costs no copy; on another
// volume it is copied next to its place, then renamed.

import { randomBytes } from 'node:crypto';
import { type BigIntStats, close, closeSync, createReadStream, fstat, open as openFd } from 'node:fs';
import { copyFile, link, mkdir, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fsyncPath } from '../fsync.ts';
import { asStorageError } from '../storage-errors.ts';
import {
  type BlobHead,
  BlobNotFoundError,
  type BlobRead,
  type BlobStat,
  type BlobStore,
  type ByteRange,
  type StagedBlob,
} from './blob-store.ts';

const KEY = /^[0-9a-f]{40}-[0-9a-f]{64}$/;

/** A hard link cannot be made: the staged file is on another volume, or the file system has none. */
const NO_LINK = ['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK'];

/** Where earlier versions of origo staged uploads, inside the store; not blobs, so list skips it. */
const OLD_TEMP_DIR = '.tmp';

export class FsBlobStore implements BlobStore {
  readonly keepsStagedFiles = true;

  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<FsBlobStore> {
    await mkdir(root, { recursive: true });
    return new FsBlobStore(root);
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(key: string, staged: StagedBlob): Promise<void> {
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
      // The link shares the staged file's data, which must be on disk before
      // the name that makes it a blob is.
      if (!staged.synced) await fsyncPath(staged.path);
      const linked = await link(staged.path, target).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST' || NO_LINK.includes(err.code ?? '')) return false;
          throw err;
        },
      );
      // A key already stored is written again all the same: the same bytes
      // on a sound file cost a rename, and a damaged one is repaired by
      // uploading the original again. Without links, the file is copied.
      if (!linked) await this.replace(target, staged.path);
      // The new name itself must survive a crash too.
      await fsyncPath(dir);
    } catch (err) {
      throw asStorageError(err);
    }
  }

  /** Atomically over an existing blob: the staged file under a temp name beside it (linked, or copied and synced when links fail), then renamed. */
  private async replace(target: string, stagedPath: string): Promise<void> {
    const part = `${target}.${randomBytes(6).toString('hex')}.part`;
    try {
      await link(stagedPath, part).catch(async (err: NodeJS.ErrnoException) => {
        if (!NO_LINK.includes(err.code ?? '')) throw err;
        await copyFile(stagedPath, part);
        await fsyncPath(part);
      });
      await rename(part, target);
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead> {
    // Open first, so a missing blob is an error here and not mid-response.
    const { fd, stats } = await openWithStats(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    });
    // fstat of the descriptor that is read: the size of exactly these bytes,
    // even if the path is replaced or the file changed after.
    const size = Number(stats.size);
    const version = `${stats.dev}:${stats.ino}:${stats.size}:${stats.ctimeNs}`;
    const changedAtMs = Number(stats.ctimeNs / 1_000_000n);
    // Never past the size measured: bytes appended later would overrun the
    // length a caller announced.
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    if (end < start) {
      // Nothing to read (an empty file, a range past its end); createReadStream refuses end < start.
      closeSync(fd);
      return { size, version, changedAtMs, stream: Readable.from([]) };
    }
    // A numeric descriptor: the stream reads through fs.read callbacks and
    // closes it at the end, an error or a destroy.
    return { size, version, changedAtMs, stream: createReadStream('', { fd, start, end, highWaterMark: 1024 * 1024 }) };
  }

  async head(key: string): Promise<BlobHead | undefined> {
    try {
      const s = await stat(this.pathOf(key), { bigint: true });
      return {
        size: Number(s.size),
        modifiedAt: new Date(Number(s.mtimeMs)),
        version: `${s.dev}:${s.ino}:${s.size}:${s.ctimeNs}`,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<BlobStat> {
    for (const a of await readdirIfAny(this.root)) {
      if (a === OLD_TEMP_DIR) continue;
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

/**
 * Opens a file for reading and fstats the descriptor, through the callback
 * API: for a 100 KB download, promise file handles and their reads cost
 * most of the server's time (npm run bench -- download-small).
 */
function openWithStats(file: string): Promise<{ fd: number; stats: BigIntStats }> {
  return new Promise((resolve, reject) => {
    openFd(file, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      fstat(fd, { bigint: true }, (statErr, stats) => {
        if (!statErr) return resolve({ fd, stats });
        close(fd, () => reject(statErr));
      });
    });
  });
}
