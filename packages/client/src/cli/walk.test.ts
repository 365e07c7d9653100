import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs } from './walk.ts';

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'origo-walk-'));
  mkdirSync(path.join(root, 'a/b'), { recursive: true });
  writeFileSync(path.join(root, 'a/one.jpg'), '1');
  writeFileSync(path.join(root, 'a/b/two.jpg'), '22');
  writeFileSync(path.join(root, 'a/b/three.png'), '333');
  writeFileSync(path.join(root, 'a/.DS_Store'), 'x');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const rel = (entries: { path: string }[]) => entries.map((e) => path.relative(root, e.path).split(path.sep).join('/'));

describe('expandInputs', () => {
  it('reads folders recursively in name order, leaving out dot files, with sizes', async () => {
    const entries = await expandInputs([path.join(root, 'a')]);
    expect(rel(entries)).toEqual(['a/b/three.png', 'a/b/two.jpg', 'a/one.jpg']);
    expect(entries.map((e) => e.size)).toEqual([3, 2, 1]);
  });

  it('matches globs with ** and *, and lists a file named twice once', async () => {
    const entries = await expandInputs([`${root}/a/**/*.jpg`, path.join(root, 'a/one.jpg')]);
    expect(rel(entries)).toEqual(['a/b/two.jpg', 'a/one.jpg']);
  });

  it('refuses a path that does not exist, and a glob that matches nothing, as usage errors', async () => {
    await expect(expandInputs([path.join(root, 'nope.jpg')])).rejects.toMatchObject({ exitCode: 2 });
    await expect(expandInputs([`${root}/a/*.gif`])).rejects.toMatchObject({ exitCode: 2 });
  });
});
