// Two layering rules (docs/PRINCIPLES.md), checked on the import lines of
// the source files:
// - a migration, and any helper beside it under migrations/, imports only
//   packages and other files under migrations/: migrations are history, and
//   live code changes (a database migrated before a change would differ from
//   one migrated after);
// - images/ is pure: no file, network or process I/O and no sharp at run
//   time (probing lives in probe/), nothing from the layers that use it;
// - so is render/, but for render/pipeline/, which runs sharp on bytes in
//   memory: the parsing half (URLs, stacks, expressions, signing) may use
//   images/ and its own files, and types from anywhere (they are erased).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));
const MIGRATIONS = path.join(SRC, 'storage/catalog/sql/migrations');
const IMAGES = path.join(SRC, 'images');

interface Import {
  specifier: string;
  /** `import type` / `export type`: erased from the JavaScript, so nothing runs. */
  typeOnly: boolean;
}

/** Every module a TypeScript source names: import and export ... from, side-effect imports, import() and require(). */
function importsOf(source: string): Import[] {
  const found: Import[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm)) {
    found.push({ specifier: m[2]!, typeOnly: m[1] !== undefined });
  }
  for (const m of source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push({ specifier: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ specifier: m[1]!, typeOnly: false });
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => path.join(dir, name));
}

const isRelative = (specifier: string) => specifier.startsWith('.') || specifier.startsWith('/');
const inside = (dir: string, file: string) => file.startsWith(`${dir}${path.sep}`);

/** What a migration file imports that is neither a package nor under migrations/. */
function migrationViolations(file: string, source: string): string[] {
  return importsOf(source)
    .filter(
      ({ specifier }) => isRelative(specifier) && !inside(MIGRATIONS, path.resolve(path.dirname(file), specifier)),
    )
    .map(({ specifier }) => specifier);
}

/** Packages images/ may use at run time: pure computation on values in memory. */
const PURE_PACKAGES = new Set(['node:crypto', 'node:zlib', 'exif-reader']);
/** Leaf modules of src/ that images/ may use: they import nothing of the layers above. */
const LEAF_MODULES = new Set(['errors.ts', 'json.ts'].map((name) => path.join(SRC, name)));

/** What a file of images/ imports at run time that may do I/O, configure sharp, or belongs to another layer. */
function impurities(file: string, source: string): string[] {
  return importsOf(source)
    .filter(({ specifier, typeOnly }) => {
      if (!isRelative(specifier)) return !typeOnly && !PURE_PACKAGES.has(specifier);
      const target = path.resolve(path.dirname(file), specifier);
      return !inside(IMAGES, target) && !LEAF_MODULES.has(target);
    })
    .map(({ specifier }) => specifier);
}

const RENDER = path.join(SRC, 'render');
const PIPELINE = path.join(RENDER, 'pipeline');

/** The source files under `dir` and its folders, but for those under `skip`. */
function sourceFilesUnder(dir: string, skip: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === skip ? [] : sourceFilesUnder(full, skip);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** What a file of render/ (outside pipeline/) imports at run time that may do I/O or belongs to a layer above. */
function renderImpurities(file: string, source: string): string[] {
  return importsOf(source)
    .filter(({ specifier, typeOnly }) => {
      if (typeOnly) return false;
      if (!isRelative(specifier)) return !PURE_PACKAGES.has(specifier);
      const target = path.resolve(path.dirname(file), specifier);
      const ownHalf = inside(RENDER, target) && !inside(PIPELINE, target);
      return !ownHalf && !inside(IMAGES, target) && !LEAF_MODULES.has(target);
    })
    .map(({ specifier }) => specifier);
}

describe('import rules', () => {
  it('finds every kind of import line', () => {
    const source = [
      "import { sql } from 'kysely';",
      "import type { Dialect } from '../schema.ts';",
      'import {',
      '  searchTerms,',
      '  type TermRow,',
      "} from '../../../../images/search-terms.ts';",
      "export { x } from './x.ts';",
      "import './side-effect.ts';",
      "const lazy = await import('../lazy.ts');",
      '// import { not } from "a comment";',
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: 'kysely', typeOnly: false },
      { specifier: '../schema.ts', typeOnly: true },
      { specifier: '../../../../images/search-terms.ts', typeOnly: false },
      { specifier: './x.ts', typeOnly: false },
      { specifier: './side-effect.ts', typeOnly: false },
      { specifier: '../lazy.ts', typeOnly: false },
    ]);
  });

  it('migrations import only packages and files under migrations/', () => {
    const files = sourceFiles(MIGRATIONS);
    expect(files.length).toBeGreaterThanOrEqual(8);
    const found = files.flatMap((file) =>
      migrationViolations(file, fs.readFileSync(file, 'utf8')).map((s) => `${path.basename(file)}: ${s}`),
    );
    expect(found).toEqual([]);
  });

  it('would refuse the live imports migrations once had', () => {
    const file = path.join(MIGRATIONS, '0004-search.ts');
    const before =
      "import { searchTerms } from '../../../../images/search-terms.ts';\nimport type { Dialect } from '../schema.ts';\nimport { sqlTypes } from './shared.ts';\n";
    expect(migrationViolations(file, before)).toEqual(['../../../../images/search-terms.ts', '../schema.ts']);
  });

  it('images/ imports nothing that does I/O, configures sharp or belongs to another layer', () => {
    const files = sourceFiles(IMAGES);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const found = files.flatMap((file) =>
      impurities(file, fs.readFileSync(file, 'utf8')).map((s) => `${path.basename(file)}: ${s}`),
    );
    expect(found).toEqual([]);
  });

  it('would refuse the probe that images/ once held', () => {
    const file = path.join(IMAGES, 'probe.ts');
    const before =
      "import { type FileHandle, open } from 'node:fs/promises';\nimport sharp, { type Metadata } from 'sharp';\nimport type { Metadata as M } from 'sharp';\n" +
      "import { OrigoError } from '../errors.ts';\nimport { staticMetadata } from './static-metadata.ts';\nimport { x } from '../storage/index.ts';\n";
    expect(impurities(file, before)).toEqual(['node:fs/promises', 'sharp', '../storage/index.ts']);
  });

  it('render/ outside pipeline/ imports nothing that does I/O, runs sharp or belongs to a layer above', () => {
    const files = sourceFilesUnder(RENDER, PIPELINE);
    expect(files.length).toBeGreaterThanOrEqual(20);
    const found = files.flatMap((file) =>
      renderImpurities(file, fs.readFileSync(file, 'utf8')).map((s) => `${path.relative(RENDER, file)}: ${s}`),
    );
    expect(found).toEqual([]);
  });

  it('would refuse a render URL parser that reached for sharp, storage or the pipeline', () => {
    const file = path.join(RENDER, 'url', 'parse-render-url.ts');
    const before =
      "import sharp from 'sharp';\nimport type { ImageRecord } from '../../storage/catalog/catalog.ts';\nimport { openStorage } from '../../storage/index.ts';\n" +
      "import { renderImage } from '../pipeline/index.ts';\nimport { OrigoError } from '../../errors.ts';\nimport type { RenderUrl } from '../model.ts';\n";
    expect(renderImpurities(file, before)).toEqual(['sharp', '../../storage/index.ts', '../pipeline/index.ts']);
  });
});
