// Builds packages/client into dist/ once before the CLI tests, which run
// the built `origo` command as a child process, as users do. Usable as a
// vitest globalSetup and from a test file's beforeAll alike.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(clientDir, '../..');
const builtMain = path.join(clientDir, 'dist/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(builtMain).mtimeMs;
  } catch {
    return 0;
  }
}

// Named like the server build's lock, which .gitignore already leaves out.
const lockDir = path.join(clientDir, '.dist-build-lock');
const fresh = () => builtAt() >= newestSource(path.join(clientDir, 'src'));

/** Blocks this worker briefly: test files in parallel workers wait for one build instead of racing it. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Compiles the client when dist/ is missing or older than a source file.
 * One worker builds (it holds a lock folder, made atomically); the others
 * wait for it, so no CLI child reads a file tsc is halfway through writing.
 */
export function ensureClientBuilt(): void {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${lockDir} held for 3 minutes: remove it if no build runs`);
    // While another worker builds, dist/ may look fresh halfway through: wait for its lock to go first.
    if (existsSync(lockDir)) {
      pause(200);
      continue;
    }
    if (fresh()) return;
    try {
      mkdirSync(lockDir);
    } catch {
      continue;
    }
    try {
      execFileSync('npx', ['tsc', '-p', 'packages/client/tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
    return;
  }
}

export default function setup(): void {
  ensureClientBuilt();
}
