import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { stageStream } from './staging.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('stageStream', () => {
  it('leaves no temp file when the source fails before any byte', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-staging-'));
    dirs.push(dir);
    // Sources that fail at once, before any byte. (Whether the failure comes
    // before the file's open completes depends on the thread pool; staging
    // waits for the stream to close before removing the file either way.)
    const failing = Array.from({ length: 20 }, () => {
      const source = new Readable({ read() {} });
      queueMicrotask(() => source.destroy(new Error('client gone')));
      return stageStream(source, dir, 1024, 'file "cut.jpg"');
    });
    const outcomes = await Promise.allSettled(failing);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stages the bytes with their sha1 and sha256', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-staging-'));
    dirs.push(dir);
    const staged = await stageStream(Readable.from([Buffer.from('abc')]), dir, 1024, 'file "abc.txt"');
    expect(staged).toMatchObject({
      size: 3,
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(readdirSync(dir)).toEqual([path.basename(staged.path)]);
  });

  it('stages many MiB through a synced file whole and in order, hashes and size right', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-staging-'));
    dirs.push(dir);
    // 9 MiB in chunks of uneven sizes, so writes, background flushes and the end interleave.
    const chunks = Array.from({ length: 97 }, (_, i) => Buffer.alloc(97_301 + (i % 7) * 1013, i));
    const whole = Buffer.concat(chunks);
    const staged = await stageStream(Readable.from(chunks), dir, whole.length, 'file "big.jpg"', true);
    expect(staged).toMatchObject({
      size: whole.length,
      synced: true,
      sha1: createHash('sha1').update(whole).digest('hex'),
      sha256: createHash('sha256').update(whole).digest('hex'),
    });
    expect(readFileSync(staged.path).equals(whole)).toBe(true);
  });

  it('leaves no synced temp file when the source fails midway or the limit is passed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-staging-'));
    dirs.push(dir);
    const cut = new Readable({ read() {} });
    const cutStaging = stageStream(cut, dir, 64 * 1024 * 1024, 'file "cut.jpg"', true);
    for (let i = 0; i < 8; i++) cut.push(Buffer.alloc(1024 * 1024, i));
    setImmediate(() => cut.destroy(new Error('client gone')));
    await expect(cutStaging).rejects.toThrow('client gone');
    const big = Readable.from(Array.from({ length: 6 }, () => Buffer.alloc(1024 * 1024)));
    await expect(stageStream(big, dir, 5 * 1024 * 1024, 'file "big.jpg"', true)).rejects.toMatchObject({
      code: 'ORIGO_ERR_UPLOAD_TOO_LARGE',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
