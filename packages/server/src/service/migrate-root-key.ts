// The root key of a migrated install. Only its digest is kept. On a
// PostgreSQL target it is a row of the shared catalog (see root-key.ts), so
// the migrate command writes the source's digest there and every node
// accepts the old root key. On an embedded SQLite target it is a file of
// the target's data folder, copied there when that has none.

import { constants } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/catalog/sql/schema.ts';
import { ROOT_KEY_FILE, ROOT_KEY_SETTING } from './root-key.ts';

export type RootKeyOutcome =
  /** ORIGO_ROOT_KEY is set: the nodes take the key from there. */
  | { kind: 'from-setting' }
  /** The source's key came from ORIGO_ROOT_KEY too: it has no digest file. */
  | { kind: 'none-in-source' }
  /** In the shared catalog: every node accepts it. */
  | { kind: 'catalog-copied' | 'catalog-same' }
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

export interface RootKeyTarget {
  dataDir: string;
  /** The target catalog when it is PostgreSQL, where the digest is a setting. */
  sharedCatalog?: Kysely<Database>;
}

export async function migrateRootKey(
  sourceDir: string,
  target: RootKeyTarget,
  rootKeySet: boolean,
): Promise<RootKeyOutcome> {
  if (rootKeySet) return { kind: 'from-setting' };
  const sourceFile = path.join(sourceDir, ROOT_KEY_FILE);
  const digest = await readIfAny(sourceFile);
  if (digest === undefined) return { kind: 'none-in-source' };
  if (target.sharedCatalog) return copyIntoCatalog(target.sharedCatalog, digest);
  const file = path.join(target.dataDir, ROOT_KEY_FILE);
  const there = await readIfAny(file);
  if (there === digest) return { kind: 'same', file };
  if (there !== undefined) return { kind: 'different', file, sourceFile };
  // COPYFILE_EXCL: a digest a node wrote there meanwhile is kept. The copy has the source file's mode (0600).
  await copyFile(sourceFile, file, constants.COPYFILE_EXCL);
  return { kind: 'copied', file };
}

/**
 * The source's key wins, as its other settings do: a target node started
 * before the migration may have made a root key of its own, which the
 * install's users never had.
 */
async function copyIntoCatalog(db: Kysely<Database>, digest: string): Promise<RootKeyOutcome> {
  const there = await db.selectFrom('settings').select('value').where('name', '=', ROOT_KEY_SETTING).executeTakeFirst();
  if (there?.value === digest) return { kind: 'catalog-same' };
  await db
    .insertInto('settings')
    .values({ name: ROOT_KEY_SETTING, value: digest })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: digest }))
    .execute();
  return { kind: 'catalog-copied' };
}
