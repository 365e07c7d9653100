// Checks bytes on their way out of the store: exactly the expected length
// and, for a whole blob, the expected sha1. A mismatch fails the stream, so
// whoever sends it can cut the response off instead of ending it cleanly.

import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BlobDamagedError } from './blob-store.ts';

export interface ExpectedBytes {
  /** Blob key, for the error. */
  key: string;
  length: number;
  /** sha1 in hex of all the bytes; only for a whole blob, not a range. */
  sha1?: string;
  /** Called once every byte has come and matched the sha1. */
  onVerified?: () => void;
}

export class VerifyingStream extends Transform {
  private received = 0;
  private readonly hash: Hash | undefined;
  /** The last byte, held back until the hash is known. */
  private lastByte: Buffer | undefined;

  constructor(private readonly expected: ExpectedBytes) {
    super();
    this.hash = expected.sha1 === undefined ? undefined : createHash('sha1');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.expected.length) {
      callback(new BlobDamagedError(this.expected.key, `more than the ${this.expected.length} bytes expected`));
      return;
    }
    if (!this.hash) {
      callback(null, chunk);
      return;
    }
    this.hash.update(chunk);
    if (this.received < this.expected.length) {
      callback(null, chunk);
      return;
    }
    // A response whose every byte went out looks complete to the client even
    // if the connection is then dropped; without its last byte it cannot.
    this.lastByte = chunk.subarray(chunk.length - 1);
    callback(null, chunk.length > 1 ? chunk.subarray(0, chunk.length - 1) : undefined);
  }

  override _flush(callback: TransformCallback): void {
    const { key, length, sha1 } = this.expected;
    if (this.received < length) {
      callback(new BlobDamagedError(key, `ended after ${this.received} of the ${length} bytes expected`));
      return;
    }
    if (this.hash) {
      const actual = this.hash.digest('hex');
      if (actual !== sha1) {
        callback(new BlobDamagedError(key, `its sha1 is ${actual}, not ${sha1}`));
        return;
      }
      this.expected.onVerified?.();
    }
    callback(null, this.lastByte);
  }
}
