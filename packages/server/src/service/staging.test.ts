import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
});
