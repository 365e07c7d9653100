// A new file, written as the bytes arrive and flushed to disk while they
// still arrive: every SYNC_EVERY bytes written, an fdatasync runs in the
// background (one at a time), and the stream finishes only once a last
// fdatasync has returned. For a staged upload that the blob store keeps
// (the local store links it into place), this leaves the end of an upload
// only the last few MiB to flush instead of the whole file: a 10 MiB file
// written at upload speed took about 8 ms to fsync at the end, under 1 ms
// after background flushes (ext4 on this machine's virtio disk).

import { close, fdatasync, open, writev } from 'node:fs';
import { Writable } from 'node:stream';

const SYNC_EVERY = 2 * 1024 * 1024;

type Callback = (error?: Error | null) => void;

export class SyncedFileSink extends Writable {
  private fd = -1;
  private unsynced = 0;
  /** Writes and flushes under way: the descriptor is closed only after them. */
  private readonly io = new Set<Promise<void>>();
  private flushing: Promise<void> | undefined;
  private flushError: Error | undefined;

  constructor(private readonly file: string) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _construct(callback: Callback): void {
    open(this.file, 'wx', (err, fd) => {
      if (!err) this.fd = fd;
      callback(err);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    this.writeAll([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: Callback): void {
    this.writeAll(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _final(callback: Callback): void {
    const flushed = this.flushing ?? Promise.resolve();
    flushed
      .then(() => this.track((done) => fdatasync(this.fd, (err) => done(err))))
      .then(() => callback(this.flushError), callback);
  }

  override _destroy(error: Error | null, callback: Callback): void {
    // Closing while an fdatasync or write still uses the descriptor could
    // hand its number to another file before they run.
    Promise.allSettled([...this.io]).then(() => {
      if (this.fd < 0) {
        callback(error);
        return;
      }
      close(this.fd, (err) => callback(error ?? err));
      this.fd = -1;
    });
  }

  private writeAll(buffers: Buffer[], callback: Callback): void {
    if (this.flushError) {
      callback(this.flushError);
      return;
    }
    this.track((done) => this.writeFrom(buffers, done)).then(() => {
      this.flushInBackground();
      callback();
    }, callback);
  }

  /** writev may write fewer bytes than asked (rarely, on regular files): the rest is written again. */
  private writeFrom(buffers: Buffer[], done: Callback): void {
    writev(this.fd, buffers, (err, written) => {
      if (err) {
        done(err);
        return;
      }
      this.unsynced += written;
      let rest = written;
      while (buffers.length > 0 && rest >= buffers[0]!.length) rest -= buffers.shift()!.length;
      if (buffers.length === 0) {
        done();
        return;
      }
      buffers[0] = buffers[0]!.subarray(rest);
      this.writeFrom(buffers, done);
    });
  }

  private flushInBackground(): void {
    if (this.flushing || this.unsynced < SYNC_EVERY) return;
    this.unsynced = 0;
    // Its failure (EIO; ENOSPC or EDQUOT from delayed allocation) fails the next write or the end.
    this.flushing = this.track((done) => fdatasync(this.fd, (err) => done(err))).then(
      () => {
        this.flushing = undefined;
      },
      (err: Error) => {
        this.flushError ??= err;
        this.flushing = undefined;
      },
    );
  }

  private track(start: (done: Callback) => void): Promise<void> {
    const op = new Promise<void>((resolve, reject) => start((err) => (err ? reject(err) : resolve())));
    this.io.add(op);
    const forget = () => this.io.delete(op);
    op.then(forget, forget);
    return op;
  }
}
