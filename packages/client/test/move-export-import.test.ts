// exportToDir and importFromDir: a folder of originals and a manifest that
// bring an organization back exactly, resumable both ways, and a manifest
// whose files try to leave the folder refused line by line.

import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, sha1, startServer, type TestServer } from '../../server/test/helpers.ts';
import { exportToDir, importFromDir } from '../src/move/index.ts';
import { endpointFor, expectSameImages, imagesOf, type SeededImage, seedSource } from './move-fixtures.ts';

let from: TestServer;
let to: TestServer;
let seeded: SeededImage[];
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-move-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  [from, to] = await Promise.all([startServer(), startServer()]);
  seeded = await seedSource(from, 'src', 2);
});
afterAll(async () => {
  await Promise.all([from?.close(), to?.close()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const manifestLines = (dir: string) =>
  readFileSync(path.join(dir, 'manifest.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('export to a folder and import from it', () => {
  it('round-trips every image exactly, and re-runs of both copy nothing', async () => {
    const dir = tempDir();
    const exported = await exportToDir({ source: endpointFor(from.url), org: 'src', dir });
    expect(exported).toMatchObject({ copied: 7, skipped: 0, failed: [] });
    const files = readdirSync(dir).sort();
    expect(files).toEqual([...seeded.map((s) => `${s.hash}.png`), 'manifest.ndjson'].sort());
    for (const s of seeded) expect(sha1(readFileSync(path.join(dir, `${s.hash}.png`)))).toBe(sha1(s.bytes));
    const lines = manifestLines(dir);
    expect(lines).toHaveLength(7);
    const vault = lines.find((l) => l['name'] === 'vault.png')!;
    expect(vault).toMatchObject({
      file: `${vault['hash']}.png`,
      protected: true,
      locked: true,
      dynamic_metadata: { crop_area: { x: 0, y: 0, width: 50, height: 50 } },
      organization: 'src',
    });
    expect(typeof vault['created']).toBe('string');

    const again = await exportToDir({ source: endpointFor(from.url), org: 'src', dir });
    expect(again).toMatchObject({ copied: 0, skipped: 7, failed: [] });
    expect(manifestLines(dir)).toHaveLength(7);

    await createOrg(to, 'back');
    const imported = await importFromDir({ dir, target: endpointFor(to.url), org: 'back', concurrency: 2 });
    expect(imported).toMatchObject({ copied: 7, skipped: 0, failed: [] });
    await expectSameImages(from, 'src', to, 'back');
    const reimported = await importFromDir({ dir, target: endpointFor(to.url), org: 'back' });
    expect(reimported).toMatchObject({ copied: 0, skipped: 7, failed: [] });
  });

  it('downloads again a file whose bytes were damaged since the last export', async () => {
    const dir = tempDir();
    await exportToDir({ source: endpointFor(from.url), org: 'src', dir });
    const victim = path.join(dir, `${seeded[0]!.hash}.png`);
    const bytes = readFileSync(victim);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    writeFileSync(victim, bytes);
    const again = await exportToDir({ source: endpointFor(from.url), org: 'src', dir });
    expect(again).toMatchObject({ copied: 1, skipped: 6, failed: [] });
    expect(sha1(readFileSync(victim))).toBe(sha1(seeded[0]!.bytes));
  });

  it('refuses manifest entries whose file leaves the folder, or is damaged, and imports the others', async () => {
    const dir = tempDir();
    await exportToDir({ source: endpointFor(from.url), org: 'src', dir });
    const outside = tempDir();
    const lines = manifestLines(dir);
    const [climbing, absolute, linked, damaged, ...fine] = lines as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      ...Record<string, unknown>[],
    ];
    // The same bytes, but reached from paths that are not plainly inside the folder.
    writeFileSync(path.join(outside, 'copy.png'), readFileSync(path.join(dir, String(climbing['file']))));
    climbing['file'] = `../${path.basename(outside)}/copy.png`;
    absolute['file'] = path.join(dir, String(absolute['file']));
    symlinkSync(path.join(outside, 'copy.png'), path.join(dir, 'link.png'));
    linked['file'] = 'link.png';
    const damagedFile = path.join(dir, String(damaged['file']));
    const bytes = readFileSync(damagedFile);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    writeFileSync(damagedFile, bytes);
    writeFileSync(
      path.join(dir, 'manifest.ndjson'),
      `${[climbing, absolute, linked, damaged, ...fine].map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`,
    );

    await createOrg(to, 'careful');
    const summary = await importFromDir({ dir, target: endpointFor(to.url), org: 'careful' });
    expect(summary.copied).toBe(fine.length);
    const reasons = new Map(summary.failed.map((f) => [f.hash, f.reason]));
    expect(reasons.get(String(climbing['hash']))).toMatch(/line 1: refused, file ".*copy.png" climbs out .* ".."/);
    expect(reasons.get(String(absolute['hash']))).toContain('line 2: refused');
    expect(reasons.get(String(absolute['hash']))).toContain('is an absolute path');
    expect(reasons.get(String(linked['hash']))).toContain('file "link.png" is a symbolic link leading outside');
    expect(reasons.get(String(damaged['hash']))).toContain(`binary_hash ${damaged['binary_hash']}`);
    expect(reasons.get('line 8')).toContain('line 8: the line is not valid JSON');
    expect(summary.failed).toHaveLength(5);
    const stored = await imagesOf(to, 'careful');
    expect([...stored.keys()].sort()).toEqual(fine.map((l) => l['hash']).sort());
  });
});
