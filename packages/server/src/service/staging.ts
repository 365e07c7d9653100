// Streams incoming bytes into a temp file in the staging folder while
// computing sha1 and sha256, enforcing a byte limit as the bytes arrive.
// The service owns staging (the blob store only receives finished files),
// so every store sees the same hashed, probed file. For a store that keeps
// the file itself (the local one links it), the file is flushed to disk
// while it is written (synced-file-sink.ts) and is on disk once staged; for
// one that copies it elsewhere (S3) it is not synced at all, having no use
// on disk.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OrigoError } from '../errors.ts';
import type { StagedBlob } from '../storage/blobs/blob-store.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import { SyncedFileSink } from './synced-file-sink.ts';

export interface StagedFile extends StagedBlob {
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

/**
 * Writes `source` to a new temp file in `dir`, on disk when staged if `sync`.
 * On any failure the temp file is removed; a full disk is a StorageFullError.
 */
export async function stageStream(
  source: Readable,
  dir: string,
  maxBytes: number,
  label: string,
  sync = false,
): Promise<StagedFile> {
  const tempPath = tempPathIn(dir);
  const limiter = new HashingLimiter(maxBytes, label);
  const sink = sync
    ? new SyncedFileSink(tempPath)
    : createWriteStream(tempPath, { flags: 'wx', highWaterMark: 1024 * 1024 });
  try {
    await pipeline(source, limiter, sink);
  } catch (err) {
    // The file is created when the stream's open completes, which may be
    // after the pipeline failed (a body cut off at once): removing it before
    // then would leave the file the open makes behind.
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
    await rm(tempPath, { force: true });
    throw asStorageError(err);
  }
  return {
    path: tempPath,
    size: limiter.size,
    synced: sync,
    sha1: limiter.sha1.digest('hex'),
    sha256: limiter.sha256.digest('hex'),
  };
}

export async function discardStaged(files: Iterable<{ path: string }>): Promise<void> {
  await Promise.all([...files].map((f) => rm(f.path, { force: true })));
}
