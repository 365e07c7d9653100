// The blob store keeps image bytes, content-addressed: a blob's key is
// derived from its sha1 and sha256, so identical bytes are stored once and
// shared by every image and organization, and two files that collide on sha1
// still get different keys. The service stages bytes in a local file of its
// own (hashed while they stream in), probes them there, then puts the file
// under its key. Which blobs may be deleted is decided in the catalog
// (storage/catalog/blob-claims.ts), so the store needs no tricks for it.

import type { Readable } from 'node:stream';

export interface BlobStat {
  key: string;
  size: number;
  /** Last write time; the collector leaves young blobs alone. */
  modifiedAt: Date;
}

/** What HEAD tells of a stored blob. */
export interface BlobHead {
  size: number;
  modifiedAt: Date;
  /** As BlobRead.version. */
  version: string;
}

/** A finished local file to store: written whole by the service, which removes it after the put. */
export interface StagedBlob {
  path: string;
  size: number;
  /** The file's bytes are on disk already (the stager synced them). */
  synced?: boolean;
}

/** A blob opened for reading: its real size and its bytes. */
export interface BlobRead {
  /**
   * The size of the whole stored object, as found when it was opened (a
   * file's fstat, an object store's Content-Length/Content-Range), not as
   * any catalog row says.
   */
  size: number;
  /**
   * Names exactly the stored bytes that were opened, and changes whenever
   * they are rewritten: a file's device, inode, size and change time (all
   * from the same fstat; the change time cannot be set back by a user); an
   * object store's ETag. Lets a reader skip re-hashing bytes it has already
   * seen whole and correct.
   */
  version: string;
  /**
   * When the version last changed (ms since the epoch; a file's change
   * time), for a store whose clock for it is coarse enough that a rewrite
   * within one tick may keep the version. Absent when every rewrite changes
   * the version (an ETag).
   */
  changedAtMs?: number;
  /**
   * The blob's bytes, or those of the range asked for; never more than
   * `size` allows, fewer only if the object shrinks while it is read. A
   * caller that does not read it must destroy it (it holds the file open).
   */
  stream: Readable;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobStore {
  /**
   * put keeps the staged file itself (links it into place) rather than
   * copying its bytes: staging then syncs the file as it writes it, which
   * costs less than a whole fsync in put.
   */
  readonly keepsStagedFiles: boolean;
  /**
   * Stores the staged file's bytes under `key`, durably and atomically:
   * readers see the whole blob or none. Keys name their bytes, so a key
   * already stored with the same size is kept as it is (a conditional
   * create where the store has one); one of another size (damaged) is
   * replaced. The staged file stays the caller's to remove.
   */
  put(key: string, staged: StagedBlob): Promise<void>;
  /**
   * Opens a blob, or a byte range of it, together with its real size, both
   * from the same open object (no window between measuring and reading).
   * Rejects with BlobNotFoundError.
   */
  get(key: string, range?: ByteRange): Promise<BlobRead>;
  head(key: string): Promise<BlobHead | undefined>;
  /** Removes a blob; one already gone is not an error. Only the sweep calls it, under a delete claim. */
  delete(key: string): Promise<void>;
  list(): AsyncIterable<BlobStat>;
  close(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`blob ${key} not found`);
    this.name = 'BlobNotFoundError';
  }
}

/** Stored bytes that are not what their key or the catalog says (length or hash). */
export class BlobDamagedError extends Error {
  constructor(
    readonly key: string,
    readonly detail: string,
  ) {
    super(`blob ${key} is damaged: ${detail}`);
    this.name = 'BlobDamagedError';
  }
}

export function blobKey(sha1: string, sha256: string): string {
  return `${sha1}-${sha256}`;
}
