// Streams incoming bytes into a temp file while computing sha1 and sha256,
// enforcing a byte limit as the bytes arrive. The file is fsynced before it
// is handed on, so a later rename makes a durable blob.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OrigoError } from '../../errors.ts';
import { asStorageError } from '../storage-errors.ts';

export interface StagedFile {
  path: string;
  size: number;
  sha1: string;
  sha256: string;
}

class HashingLimiter extends Transform {
  readonly sha1 = createHash('sha1');
  readonly sha256 = createHash('sha256');
  size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly label: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(tooLarge(this.label, this.maxBytes));
      return;
    }
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    callback(null, chunk);
  }
}

function tooLarge(label: string, maxBytes: number): OrigoError {
  return new OrigoError('ORIGO_ERR_UPLOAD_TOO_LARGE', `${label} is larger than the limit of ${maxBytes} bytes`);
}

function tempPathIn(dir: string): string {
  return path.join(dir, `stage-${Date.now()}-${randomBytes(8).toString('hex')}.tmp`);
}

/** fsync of a file or directory by path: its data (a file) or its entries (a directory) are on disk after. */
export async function fsyncPath(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `source` to a new temp file in `dir`. On any failure the temp file is removed; a full disk is a StorageFullError. */
export async function stageStream(source: Readable, dir: string, maxBytes: number, label: string): Promise<StagedFile> {
  const tempPath = tempPathIn(dir);
  const limiter = new HashingLimiter(maxBytes, label);
  try {
    await pipeline(source, limiter, createWriteStream(tempPath, { flags: 'wx', highWaterMark: 1024 * 1024 }));
    await fsyncPath(tempPath);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw asStorageError(err);
  }
  return { path: tempPath, size: limiter.size, sha1: limiter.sha1.digest('hex'), sha256: limiter.sha256.digest('hex') };
}

export async function discardStaged(files: Iterable<{ path: string }>): Promise<void> {
  await Promise.all([...files].map((f) => rm(f.path, { force: true })));
}
