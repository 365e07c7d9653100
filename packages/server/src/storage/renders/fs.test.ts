// The file render store's own promises, beyond the contract every backend
// keeps (test/conformance/render-store.test.ts): where renders lie, that a
// put shows nothing under the render's name until it is whole, and that
// what a crash leaves (a temp file, a removal cut short) is cleaned at open.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsRenderStore } from './fs.ts';

const HASH = '0123456789abcdef0123456789abcdef01234567';
const KEY = `acme/${HASH}/00000000000000ff.jpg`;

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'origo-fs-renders-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const tempFiles = () => readdirSync(path.join(root, '.tmp'));

describe('the file render store', () => {
  it('keeps a render at <root>/<org>/<hash>/<digest>.<ext>, with no temp file left beside it or in .tmp', async () => {
    const store = await FsRenderStore.open(root);
    await store.put(KEY, Buffer.from('jpeg bytes'));
    await store.put(KEY, Buffer.from('new jpeg bytes'));
    expect(readdirSync(path.join(root, 'acme', HASH))).toEqual(['00000000000000ff.jpg']);
    expect(tempFiles()).toEqual([]);
  });

  it('leaves nothing behind, and serves nothing, when a put cannot be finished', async () => {
    const store = await FsRenderStore.open(root);
    // A folder where the render would go: the final rename fails.
    mkdirSync(path.join(root, 'acme', HASH, '00000000000000ff.jpg'), { recursive: true });
    await expect(store.put(KEY, Buffer.from('jpeg bytes'))).rejects.toThrow();
    expect(tempFiles()).toEqual([]);
    expect(await store.get(KEY)).toBeUndefined();
  });

  it('removes at open what a crash left in .tmp (a half-written render, a removal cut short), which is never served', async () => {
    const first = await FsRenderStore.open(root);
    await first.put(KEY, Buffer.from('whole'));
    writeFileSync(path.join(root, '.tmp', '5f3a9c0d1e2b4a67.part'), 'half a ren');
    mkdirSync(path.join(root, '.tmp', 'deleting-1234', HASH), { recursive: true });
    writeFileSync(path.join(root, '.tmp', 'deleting-1234', HASH, '0000000000000001.jpg'), 'old');

    // A read-only tool beside the server leaves the server's temp files be.
    await FsRenderStore.open(root, { readOnly: true });
    expect(tempFiles().sort()).toEqual(['5f3a9c0d1e2b4a67.part', 'deleting-1234']);

    const reopened = await FsRenderStore.open(root);
    expect(tempFiles()).toEqual([]);
    const found = await reopened.get(KEY);
    expect(found?.size).toBe(5);
    found?.stream.destroy();
  });

  it('takes a put made while the image folder is being removed into a fresh folder', async () => {
    const store = await FsRenderStore.open(root);
    await store.put(KEY, Buffer.from('old'));
    const other = `acme/${HASH}/0000000000000100.webp`;
    const [removed] = await Promise.all([store.deletePrefix(`acme/${HASH}/`), store.put(other, Buffer.from('new'))]);
    // The put landed either before the removal (and went with it) or after (and stays).
    const kept = await store.get(other);
    kept?.stream.destroy();
    expect(removed + (kept === undefined ? 0 : 1)).toBe(2);
    expect(await store.get(KEY)).toBeUndefined();
    expect(tempFiles()).toEqual([]);
  });
});
