// Storage for a conformance suite, opened as openStorage opens it: the
// embedded SQLite in a temp folder, or the PostgreSQL database `databaseUrl`
// names. `close` removes the folder and runs `cleanUp` (a test database's drop).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Accounts } from '../../src/storage/catalog/accounts.ts';
import type { Catalog } from '../../src/storage/catalog/catalog.ts';
import { closeStorage, openStorage, type Storage } from '../../src/storage/index.ts';

export interface Backend {
  storage: Storage;
  catalog: Catalog;
  accounts: Accounts;
  close(): Promise<void>;
}

export async function openBackend(
  databaseUrl?: string,
  cleanUp: () => Promise<void> = async () => {},
): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-conformance-'));
  let storage: Storage;
  try {
    storage = await openStorage({ dataDir, sqliteDurability: 'full', databaseUrl, databasePool: 10 });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    await cleanUp();
    throw err;
  }
  return {
    storage,
    catalog: storage.catalog,
    accounts: storage.accounts,
    async close() {
      await closeStorage(storage);
      rmSync(dataDir, { recursive: true, force: true });
      await cleanUp();
    },
  };
}
