// Render store on the local file system: <root>/<org>/<hash>/<digest>.<ext>,
// root being <data folder>/renders, beside (never inside) the blobs folder,
// so the blob store's listing, and with it the sweep's collection of unused
// blobs, never meets a render.
//
// A put writes a temp file in <root>/.tmp (on the same file system, so the
// rename is atomic) and renames it into place: a reader opens the old file
// or the new one, never a half-written one. The temp files live in one
// folder rather than beside each render so that the cleaning at open reads
// one folder, not the whole cache. ".tmp" cannot be an organization's folder
// (their names start with a letter or digit).

import { randomBytes } from 'node:crypto';
import { close, createReadStream, fstat, open as openFd, type Stats } from 'node:fs';
import { mkdir, open, opendir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { asStorageError } from '../storage-errors.ts';
import { checkRenderKey, checkRenderPrefix, type RenderStore } from './render-store.ts';

const TEMP_DIR = '.tmp';
/** A rename into a folder that a concurrent deletePrefix keeps taking away is tried this often. */
const RENAME_ATTEMPTS = 5;

export interface FsRenderStoreOptions {
  /** Leave the temp files be (a read-only tool beside a running server, whose puts they may be). */
  readOnly?: boolean;
}

export class FsRenderStore implements RenderStore {
  private constructor(
    private readonly root: string,
    private readonly tempDir: string,
  ) {}

  /** Opens the store at `root`; temp files of puts cut short by a crash are removed (unless read-only). */
  static async open(root: string, options: FsRenderStoreOptions = {}): Promise<FsRenderStore> {
    const tempDir = path.join(root, TEMP_DIR);
    if (options.readOnly !== true) await rm(tempDir, { recursive: true, force: true });
    await mkdir(tempDir, { recursive: true });
    return new FsRenderStore(root, tempDir);
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...checkRenderKey(key).split('/'));
  }

  async get(key: string): Promise<{ size: number; stream: Readable } | undefined> {
    const file = this.pathOf(key);
    let opened: { fd: number; stats: Stats };
    try {
      opened = await openWithStats(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
    // The size of the descriptor that is read: a put replacing the file
    // meanwhile renames a new file over the name and leaves these bytes be.
    const { fd, stats } = opened;
    if (!stats.isFile()) {
      // A folder where a render would be (opening one for reading succeeds): no render.
      close(fd, () => undefined);
      return undefined;
    }
    if (stats.size === 0) {
      close(fd, () => undefined);
      return { size: 0, stream: Readable.from([]) };
    }
    // With `end`, each read asks for what is left rather than a whole
    // highWaterMark: a 60 KB render is one 60 KB buffer, not 1 MiB.
    return { size: stats.size, stream: createReadStream('', { fd, end: stats.size - 1, highWaterMark: 1024 * 1024 }) };
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const temp = path.join(this.tempDir, `${randomBytes(8).toString('hex')}.part`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        // fdatasync before the rename: the cache may lose a render on power
        // loss, but must not serve a torn one. Without it, the file systems
        // Linux defaults to (ext4 with delayed allocation, XFS) may commit
        // the rename before the data, and after a power loss the name would
        // stand for an empty or zero-filled file. The folder is not synced:
        // losing the new name is losing a render, which a cache may.
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await this.renameInto(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw asStorageError(err);
    }
  }

  /** Renames, making the render's folders when missing (new, or just taken away by deletePrefix). */
  private async renameInto(temp: string, target: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(temp, target);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= RENAME_ATTEMPTS) throw err;
      }
      await mkdir(path.dirname(target), { recursive: true });
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const folder = path.join(
      this.root,
      ...checkRenderPrefix(prefix)
        .split('/')
        .filter((part) => part !== ''),
    );
    // The folder is first moved aside, in one rename: readers then find
    // either all of its renders or none, and a put that comes after makes a
    // fresh folder rather than racing the removal (which would fail on a
    // folder that is not empty).
    const trash = path.join(this.tempDir, `deleting-${randomBytes(8).toString('hex')}`);
    try {
      await rename(folder, trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    const count = await countFiles(trash);
    await rm(trash, { recursive: true, force: true });
    return count;
  }

  async close(): Promise<void> {}
}

/** Files in `dir` and every folder below it. */
async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for await (const entry of await opendir(dir)) {
    if (entry.isDirectory()) count += await countFiles(path.join(dir, entry.name));
    else if (entry.isFile()) count++;
  }
  return count;
}

/** Opens a file for reading and fstats the descriptor (callback API: cheaper than file handles, see blobs/fs.ts). */
function openWithStats(file: string): Promise<{ fd: number; stats: Stats }> {
  return new Promise((resolve, reject) => {
    openFd(file, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      fstat(fd, (statErr, stats) => {
        if (!statErr) return resolve({ fd, stats });
        close(fd, () => reject(statErr));
      });
    });
  });
}
