// Running `origo-server migrate --from-data-dir <dir>` as a child process for
// the migrate-command-*.test.ts files: temp folders removed after the file,
// and an empty install to copy from.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeStorage, openStorage } from '../src/storage/index.ts';
import { runCli } from './cli-run.ts';

const tempDirs: string[] = [];
export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `origo-migrate-${label}-`));
  tempDirs.push(dir);
  return dir;
}

/** For afterAll: every folder tempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

/** A data folder with this build's schema and no rows, made without a server. */
export async function emptyInstall(): Promise<string> {
  const dir = tempDir('empty');
  const storage = await openStorage({ dataDir: dir, sqliteDurability: 'normal' });
  await closeStorage(storage);
  return dir;
}

export const migrate = (dir: string, env: Record<string, string>, ...args: string[]) =>
  runCli(['migrate', '--from-data-dir', dir, ...args], env);

export const MIGRATE_TEST_MS = 240_000;
