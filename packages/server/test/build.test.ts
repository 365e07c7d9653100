// build.js, the compile of src/ into dist/ that `npm install`, `npm start`
// and `npx origo-server` run, on a small copy of the package layout (the real
// build.js and tsconfig files, a src/ of its own), so that editing, breaking
// and racing it leaves the real dist/ alone.

import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const serverDir = path.resolve(import.meta.dirname, '..');
const repoDir = path.resolve(serverDir, '..', '..');
const root = mkdtempSync(path.join(os.tmpdir(), 'origo-build-'));
const pkg = path.join(root, 'packages', 'server');
const src = path.join(pkg, 'src');
const dist = path.join(pkg, 'dist');
/** Each run starts node and TypeScript: slow on a loaded 2-core machine. */
const TEST_MS = 120_000;

afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  cpSync(path.join(repoDir, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
  symlinkSync(path.join(repoDir, 'node_modules'), path.join(root, 'node_modules'));
  for (const file of ['build.js', 'tsconfig.build.json']) cpSync(path.join(serverDir, file), path.join(pkg, file));
  writeFileSync(path.join(pkg, 'package.json'), '{ "type": "module" }\n');
  writeSource(
    'answer.ts',
    "import { base } from './lib/base.ts';\nimport type { Answer } from './lib/types.ts';\n\nexport const answer: Answer = base + 1;\n",
  );
  writeSource('lib/base.ts', 'export const base: number = 41;\n');
  writeSource('lib/types.ts', 'export type Answer = number;\n');
  writeSource('answer.test.ts', "import { answer } from './answer.ts';\n\nexport const checked = answer === 42;\n");
});

function writeSource(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
  writeFileSync(path.join(src, file), text);
}

function runBuild(): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(pkg, 'build.js')],
      { cwd: root, timeout: TEST_MS },
      (err, _stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: typeof err?.code === 'number' ? err.code : 0, stderr });
      },
    );
  });
}

/** The `answer` that dist/answer.js exports, in a fresh process (Node caches the modules it has imported). */
function distAnswer(): Promise<unknown> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(path.join(dist, 'answer.js')).href)}); process.stdout.write(JSON.stringify(m.answer));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: TEST_MS }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout)),
    );
  });
}

const filesIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

const leftovers = () => readdirSync(pkg).filter((name) => name.startsWith('.dist-'));

describe('build.js', () => {
  it(
    'compiles src/ into runnable JavaScript in dist/, without the test files, and says so',
    async () => {
      const run = await runBuild();
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /^origo: compiling packages\/server\/src into dist\/ \(it was missing or older than src\/\)\norigo: compiled in \d+\.\d s\n$/,
      );
      expect(filesIn(dist)).toEqual([
        '.built',
        'answer.js',
        'answer.js.map',
        'lib/base.js',
        'lib/base.js.map',
        'lib/types.js',
        'lib/types.js.map',
      ]);
      expect(await distAnswer()).toBe(42);
      expect(leftovers()).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'compiles nothing when nothing changed since, and again after an edit, a new file or a deleted one',
    async () => {
      expect((await runBuild()).code).toBe(0);
      const builtAt = statSync(path.join(dist, '.built')).mtimeMs;

      const again = await runBuild();
      expect(again).toEqual({ code: 0, stderr: '' });
      expect(statSync(path.join(dist, '.built')).mtimeMs).toBe(builtAt);

      writeSource('lib/base.ts', 'export const base: number = 99;\n');
      const edited = await runBuild();
      expect(edited.stderr).toContain('origo: compiling');
      expect(await distAnswer()).toBe(100);

      writeSource('lib/extra.ts', 'export const extra = 1;\n');
      expect((await runBuild()).stderr).toContain('origo: compiling');
      expect(existsSync(path.join(dist, 'lib', 'extra.js'))).toBe(true);

      rmSync(path.join(src, 'lib', 'extra.ts'));
      expect((await runBuild()).stderr).toContain('origo: compiling');
      expect(existsSync(path.join(dist, 'lib', 'extra.js'))).toBe(false);
      expect((await runBuild()).stderr).toBe('');
    },
    TEST_MS,
  );

  it(
    'compiles once when several start together on a stale checkout, the others waiting for it',
    async () => {
      const runs = await Promise.all([runBuild(), runBuild(), runBuild()]);
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(runs.filter((r) => r.stderr.includes('origo: compiling'))).toHaveLength(1);
      expect(runs.filter((r) => r.stderr === '')).toHaveLength(2);
      expect(await distAnswer()).toBe(42);
      expect(leftovers()).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'takes over the lock of a build that was killed (its process is gone)',
    async () => {
      const gone = await new Promise<number>((resolve, reject) => {
        const child = execFile(process.execPath, ['-e', ''], (err) => (err ? reject(err) : resolve(child.pid ?? 0)));
      });
      writeFileSync(path.join(pkg, '.dist-lock'), String(gone));
      const run = await runBuild();
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('origo: compiling');
      expect(await distAnswer()).toBe(42);
      expect(leftovers()).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'fails on a syntax error, naming the file and line, and keeps the last good dist/',
    async () => {
      expect((await runBuild()).code).toBe(0);
      writeSource('lib/base.ts', 'export const base: number = ;\n');
      const broken = await runBuild();
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/src\/lib\/base\.ts\(1,29\): error TS1109: Expression expected\./);
      expect(broken.stderr).toMatch(/compiling packages\/server\/src failed \(exit 1\); the messages above say why/);
      expect(await distAnswer()).toBe(42);
      expect(leftovers()).toEqual([]);

      writeSource('lib/base.ts', 'export const base: number = 1;\n');
      expect((await runBuild()).code).toBe(0);
      expect(await distAnswer()).toBe(2);
    },
    TEST_MS,
  );
});
