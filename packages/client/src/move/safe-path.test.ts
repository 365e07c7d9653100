import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from './safe-path.ts';

let root: string;
let dir: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'origo-safe-path-'));
  dir = path.join(root, 'export');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'sub', 'inside.png'), 'x');
  writeFileSync(path.join(root, 'outside.png'), 'x');
  symlinkSync(path.join(root, 'outside.png'), path.join(dir, 'link.png'));
  symlinkSync(root, path.join(dir, 'up'));
  symlinkSync(path.join(dir, 'sub', 'inside.png'), path.join(dir, 'near.png'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveInside', () => {
  it('accepts files inside the folder, also through a link that stays inside', async () => {
    expect(await resolveInside(dir, 'sub/inside.png')).toMatchObject({ ok: true });
    expect(await resolveInside(dir, 'near.png')).toMatchObject({ ok: true });
  });
  it('refuses .., absolute paths, links out of the folder, and missing files, saying why', async () => {
    expect(await resolveInside(dir, '../outside.png')).toEqual({
      ok: false,
      reason: 'file "../outside.png" climbs out of the export folder with ".."',
    });
    expect(await resolveInside(dir, 'sub\\..\\..\\outside.png')).toMatchObject({
      reason: expect.stringContaining('".."'),
    });
    expect(await resolveInside(dir, path.join(root, 'outside.png'))).toMatchObject({
      reason: expect.stringContaining('is an absolute path'),
    });
    expect(await resolveInside(dir, 'C:\\x.png')).toMatchObject({
      reason: expect.stringContaining('is an absolute path'),
    });
    expect(await resolveInside(dir, 'link.png')).toMatchObject({ reason: expect.stringContaining('symbolic link') });
    expect(await resolveInside(dir, 'up/outside.png')).toMatchObject({
      reason: expect.stringContaining('symbolic link'),
    });
    expect(await resolveInside(dir, 'gone.png')).toMatchObject({
      reason: 'file "gone.png" does not exist in the export folder',
    });
  });
});
