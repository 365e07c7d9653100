// Builds the dashboard before the tests when its build is missing or stale,
// so the browser tests and the server's /dashboard/ serve the code under test.
// A vitest globalSetup: it runs once, before any worker starts.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const buildScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'build.js');

export default function setup(): void {
  execFileSync(process.execPath, [buildScript], { stdio: 'inherit' });
}
