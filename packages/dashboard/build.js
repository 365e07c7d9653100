// Builds the dashboard (Vite) into dist/, only when dist/ is missing or older
// than one of its inputs: `npm install` runs it (prepare), and so does the
// test setup, so the browser tests always see the code they test.
//
//   node packages/dashboard/build.js           build if stale
//   node packages/dashboard/build.js --force   build anyway
//
// Plain JavaScript, so it runs before anything is compiled. The build goes
// into a fresh folder that replaces dist/ once complete, so a server never
// serves a half-written dashboard.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DASHBOARD_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');
/** Written last into a complete build. */
const STAMP = '.built';
/** The SDK is compiled into the dashboard from its source, so its changes count too. */
const INPUTS = [
  path.join(DASHBOARD_DIR, 'src'),
  path.join(DASHBOARD_DIR, 'index.html'),
  path.join(DASHBOARD_DIR, 'vite.config.ts'),
  path.join(DASHBOARD_DIR, '..', 'client', 'src'),
  fileURLToPath(import.meta.url),
];

/** @returns {number} */
function newestInput(entry, newest = 0) {
  const stat = statSync(entry);
  newest = Math.max(newest, stat.mtimeMs);
  if (!stat.isDirectory()) return newest;
  for (const child of readdirSync(entry)) newest = newestInput(path.join(entry, child), newest);
  return newest;
}

function isStale() {
  const stamp = path.join(DIST_DIR, STAMP);
  if (!existsSync(stamp)) return true;
  return INPUTS.reduce((newest, input) => newestInput(input, newest), 0) > statSync(stamp).mtimeMs;
}

export function buildDashboard() {
  const startedAt = new Date();
  const fresh = path.join(DASHBOARD_DIR, `.dist-${process.pid}`);
  // vite's package exports no bin path: find its command beside its package.json.
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', fresh, DASHBOARD_DIR], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error(`building the dashboard failed (vite exited with ${run.status ?? run.signal})`);
  }
  // Dated when the build began reading its inputs: a file saved during the build makes it stale again.
  writeFileSync(path.join(fresh, STAMP), `${startedAt.toISOString()}\n`);
  utimesSync(path.join(fresh, STAMP), startedAt, startedAt);
  const old = `${DIST_DIR}-old-${process.pid}`;
  if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
  renameSync(fresh, DIST_DIR);
  rmSync(old, { recursive: true, force: true });
}

/** Builds unless dist/ is newer than every input. */
export function ensureDashboardBuilt() {
  if (isStale()) buildDashboard();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--force')) buildDashboard();
  else ensureDashboardBuilt();
}
