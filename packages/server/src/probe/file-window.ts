// Reading parts of an open file: one range, or a window that slides along
// chunk and segment headers.

import type { FileHandle } from 'node:fs/promises';

export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** A sliding read window over a file, for walking chunk and segment headers. */
export class FileWindow {
  buf: Buffer = Buffer.alloc(0);
  start = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly span = 256 * 1024,
  ) {}

  /** Make bytes [pos, pos + n) available; false when the file ends first. */
  async ensure(pos: number, n: number): Promise<boolean> {
    if (pos < 0 || pos + n > this.size) return false;
    if (pos >= this.start && pos + n <= this.start + this.buf.length) return true;
    this.buf = await readAt(this.fh, pos, Math.min(Math.max(n, this.span), this.size - pos));
    this.start = pos;
    return this.buf.length >= n;
  }

  byte(pos: number): number {
    return this.buf[pos - this.start]!;
  }

  u16(pos: number): number {
    return this.buf.readUInt16BE(pos - this.start);
  }

  u32(pos: number): number {
    return this.buf.readUInt32BE(pos - this.start);
  }

  text(pos: number, n: number): string {
    return this.buf.toString('latin1', pos - this.start, pos - this.start + n);
  }
}
