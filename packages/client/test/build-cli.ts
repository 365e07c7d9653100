// Builds packages/client into dist/ once before the CLI tests, which run
// the built `origo` command as a child process, as users do. Usable as a
// vitest globalSetup and from a test file's beforeAll alike.

import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

/** Compiles the client when dist/ is missing or older than a source file. */
export function ensureClientBuilt(): void {
  if (builtAt() >= newestSource(path.join(clientDir, 'src'))) return;
  execFileSync('npx', ['tsc', '-p', 'packages/client/tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
}

export default function setup(): void {
  ensureClientBuilt();
}
