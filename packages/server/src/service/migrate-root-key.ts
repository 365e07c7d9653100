// The root key of a migrated install. Only its digest is kept, in the data
// folder (root-key.sha256), and every node has a folder of its own, so the
// migrate command puts the source's digest into the target's folder when
// that has none, and says what the other nodes need.

import { constants } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT_KEY_FILE } from './root-key.ts';

export type RootKeyOutcome =
  /** ORIGO_ROOT_KEY is set: the nodes take the key from there. */
  | { kind: 'from-setting' }
  /** The source's key came from ORIGO_ROOT_KEY too: it has no digest file. */
  | { kind: 'none-in-source' }
  | { kind: 'copied' | 'same'; file: string }
  /** The target folder has a digest of another key; it is left as it is. */
  | { kind: 'different'; file: string; sourceFile: string };

async function readIfAny(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function migrateRootKey(sourceDir: string, targetDir: string, rootKeySet: boolean): Promise<RootKeyOutcome> {
  if (rootKeySet) return { kind: 'from-setting' };
  const sourceFile = path.join(sourceDir, ROOT_KEY_FILE);
  const file = path.join(targetDir, ROOT_KEY_FILE);
  const digest = await readIfAny(sourceFile);
  if (digest === undefined) return { kind: 'none-in-source' };
  const there = await readIfAny(file);
  if (there === digest) return { kind: 'same', file };
  if (there !== undefined) return { kind: 'different', file, sourceFile };
  // COPYFILE_EXCL: a digest a node wrote there meanwhile is kept. The copy has the source file's mode (0600).
  await copyFile(sourceFile, file, constants.COPYFILE_EXCL);
  return { kind: 'copied', file };
}
