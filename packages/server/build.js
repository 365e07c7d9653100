// Compiles src/ into dist/ (plain JavaScript, what `npm start` and
// `npx origo-server` run), and only when dist/ is missing or older than a
// source file: `npm install` runs it (prepare), the launcher and the test
// setup call ensureBuilt() before they run dist/.
//
//   node packages/server/build.js           build if stale
//   node packages/server/build.js --force   build anyway
//
// Plain JavaScript, so it runs before anything is compiled. The freshness
// check is a stat of every file and folder under src/ (milliseconds); a
// folder's time changes when a file in it is added, renamed or deleted.
// TypeScript is loaded only to build, in a child process, so a server never
// carries the compiler in its memory. The build goes into a fresh folder
// that replaces dist/ once complete, under a lock, so servers started side
// by side on a stale checkout build once and never import a half-written dist/.

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SERVER_DIR = path.dirname(fileURLToPath(import.meta.url));
const SRC_DIR = path.join(SERVER_DIR, 'src');
export const DIST_DIR = path.join(SERVER_DIR, 'dist');
const BUILD_CONFIG = path.join(SERVER_DIR, 'tsconfig.build.json');
/** Everything besides src/ whose change changes the output. */
const INPUTS = [BUILD_CONFIG, path.join(SERVER_DIR, '..', '..', 'tsconfig.base.json'), fileURLToPath(import.meta.url)];
/** Written last into a complete build; its time is when that build started reading src/. */
const STAMP = '.built';
const LOCK = path.join(SERVER_DIR, '.dist-lock');
/** A lock whose holder cannot be named (no pid yet) is taken over after this long. */
const LOCK_UNNAMED_MS = 10_000;

/** @returns {number} */
function newestInput(dir = SRC_DIR, newest = 0) {
  newest = Math.max(newest, statSync(dir).mtimeMs);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = entry.isDirectory() ? newestInput(full, newest) : Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether dist/ holds a complete build of the current src/ and settings. */
export function distIsFresh() {
  let builtAt;
  try {
    builtAt = statSync(path.join(DIST_DIR, STAMP)).mtimeMs;
  } catch {
    return false;
  }
  const inputs = INPUTS.reduce((newest, file) => Math.max(newest, statSync(file).mtimeMs), newestInput());
  return inputs <= builtAt;
}

/**
 * Builds dist/ unless it is fresh; waits for a build another process is running.
 * @param {{ force?: boolean }} [options]
 */
export async function ensureBuilt({ force = false } = {}) {
  if (!force && distIsFresh()) return;
  await withLock(() => {
    if (!force && distIsFresh()) return;
    build();
  });
}

/** @param {() => void} fn */
async function withLock(fn) {
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    if (lockIsAbandoned()) rmSync(LOCK, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** @param {unknown} err */
const errorCode = (err) => (err instanceof Error && 'code' in err ? err.code : undefined);

function lockIsAbandoned() {
  let holder;
  let age;
  try {
    holder = Number(readFileSync(LOCK, 'utf8'));
    age = Date.now() - statSync(LOCK).mtimeMs;
  } catch {
    return false; // released meanwhile: the next attempt takes it
  }
  if (!Number.isInteger(holder) || holder <= 0) return age > LOCK_UNNAMED_MS;
  try {
    process.kill(holder, 0);
    return false;
  } catch (err) {
    return errorCode(err) === 'ESRCH';
  }
}

function build() {
  const startedAt = new Date();
  const into = path.join(SERVER_DIR, `.dist-new-${process.pid}`);
  const old = path.join(SERVER_DIR, `.dist-old-${process.pid}`);
  rmSync(into, { recursive: true, force: true });
  process.stderr.write('origo: compiling packages/server/src into dist/ (it was missing or older than src/)\n');
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--compile-into', into], {
    stdio: 'inherit',
  });
  if (child.status !== 0) {
    rmSync(into, { recursive: true, force: true });
    throw new Error(
      `compiling packages/server/src failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`}); the messages above say why`,
    );
  }
  const stamp = path.join(into, STAMP);
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(DIST_DIR, old);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
  renameSync(into, DIST_DIR);
  rmSync(old, { recursive: true, force: true });
  process.stderr.write(`origo: compiled in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s\n`);
}

/** @param {unknown} err */
export function exitOnBuildFailure(err) {
  process.stderr.write(`origo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/**
 * The compile itself, what `tsc -p tsconfig.build.json --noCheck` emits, byte for byte, with the imports left
 * unresolved: each file compiles on its own (isolatedModules), and `npm run typecheck` is what checks types.
 */
function compileInto(/** @type {string} */ outDir) {
  let ts;
  try {
    ts = createRequire(import.meta.url)('typescript');
  } catch {
    process.stderr.write(
      'origo: building dist/ needs the dev dependencies (TypeScript): run `npm install` in the origo folder\n',
    );
    process.exit(1);
  }
  const read = ts.readConfigFile(BUILD_CONFIG, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, SERVER_DIR, undefined, BUILD_CONFIG);
  const options = { ...parsed.options, outDir, noCheck: true, noResolve: true, noLib: true, types: [] };
  const program = ts.createProgram(parsed.fileNames, options);
  const diagnostics = [
    ...(read.error ? [read.error] : []),
    ...parsed.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
  ];
  const emitted = program.emit();
  diagnostics.push(...emitted.diagnostics);
  if (diagnostics.length > 0 || emitted.emitSkipped) {
    const host = {
      getCanonicalFileName: (/** @type {string} */ f) => f,
      getCurrentDirectory: () => SERVER_DIR,
      getNewLine: () => '\n',
    };
    process.stderr.write(ts.formatDiagnostics(diagnostics, host));
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flag, value] = process.argv.slice(2);
  if (flag === '--compile-into' && value !== undefined) compileInto(value);
  else await ensureBuilt({ force: flag === '--force' }).catch(exitOnBuildFailure);
}
