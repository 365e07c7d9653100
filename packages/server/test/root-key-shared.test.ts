// On PostgreSQL the root key's digest is a row of the shared catalog, so
// every node accepts the same root key: the first node to start makes it
// (and alone prints it), nodes starting at the same instant agree on one.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyDigest } from '../src/service/auth.ts';
import { loadRootKey, ROOT_KEY_SETTING } from '../src/service/root-key.ts';
import { closeStorage, openStorage, type Storage } from '../src/storage/index.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];

describe.skipIf(!adminUrl)('the root key on PostgreSQL (ORIGO_TEST_DATABASE_URL)', () => {
  let database: TestDatabase;
  const nodes: { storage: Storage; dataDir: string }[] = [];

  async function node() {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-root-key-'));
    const config = {
      dataDir,
      sqliteDurability: 'full' as const,
      databaseUrl: database.url,
      databasePool: 2,
      rootKey: undefined,
    };
    const storage = await openStorage(config);
    nodes.push({ storage, dataDir });
    return { config, storage };
  }

  beforeEach(async () => {
    database = await createTestDatabase(adminUrl!);
  });
  afterEach(async () => {
    for (const { storage, dataDir } of nodes.splice(0)) {
      await closeStorage(storage);
      rmSync(dataDir, { recursive: true, force: true });
    }
    await database.drop();
  });

  it('is made once by nodes starting at the same instant, printed by one, accepted by all', async () => {
    const [a, b, c] = await Promise.all([node(), node(), node()]);
    const keys = await Promise.all([a, b, c].map((n) => loadRootKey(n.config, n.storage.accounts)));
    const generated = keys.filter((k) => k.generated !== undefined);
    expect(generated).toHaveLength(1);
    const key = generated[0]!.generated!;
    for (const k of keys) expect(k.digest.equals(keyDigest(key))).toBe(true);
    expect(generated[0]!.keptIn).toMatch(ROOT_KEY_SETTING);
    // No file in any node's data folder: the digest is the catalog's.
    for (const n of [a, b, c]) expect(existsSync(path.join(n.config.dataDir, 'root-key.sha256'))).toBe(false);

    // A node started later finds it and prints nothing.
    const later = await node();
    const found = await loadRootKey(later.config, later.storage.accounts);
    expect(found.generated).toBeUndefined();
    expect(found.digest.equals(keyDigest(key))).toBe(true);
  });

  it('refuses a settings row that is not a digest, naming it', async () => {
    const n = await node();
    await n.storage.accounts.setting(ROOT_KEY_SETTING, () => 'not a digest');
    await expect(loadRootKey(n.config, n.storage.accounts)).rejects.toThrow(
      /root_key_sha256 does not hold a SHA-256 digest; delete that row/,
    );
  });

  it('takes ORIGO_ROOT_KEY over the catalog', async () => {
    const n = await node();
    const own = await loadRootKey({ ...n.config, rootKey: 'my-own-root-key-0123456789' }, n.storage.accounts);
    expect(own.digest.equals(keyDigest('my-own-root-key-0123456789'))).toBe(true);
    expect(own.generated).toBeUndefined();
  });
});
