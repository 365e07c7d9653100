// The migrate command's copy (copy-tables.ts) takes stacks and signing keys
// along: a catalog moved to PostgreSQL keeps its stacks, and render URLs
// signed before the move stay valid. SQLite to SQLite here: the statements
// are the same on both dialects.

import { afterEach, describe, expect, it } from 'vitest';
import { COPIED_TABLES, copyAccounts, type TableCounts } from './copy-tables.ts';
import { migrateToLatest } from './migrate.ts';
import { insertOrganization } from './organizations.ts';
import { SqlStacks } from './sql-stacks.ts';
import { openSqlite } from './sqlite.ts';

const opened: { destroy(): Promise<void> }[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

async function catalog() {
  const { db } = openSqlite(':memory:');
  opened.push(db);
  await migrateToLatest(db, 'sqlite');
  return db;
}

describe('copying a catalog', () => {
  it('copies every stack and signing key, and a second run copies nothing more', async () => {
    const source = await catalog();
    const target = await catalog();
    const now = new Date('2026-01-02T03:04:05Z');
    const stacks = new SqlStacks(source, 'sqlite');
    const names = ['alpha', 'beta'];
    const orgIds: number[] = [];
    for (const name of names) {
      const org = await insertOrganization(
        source,
        { name, displayName: name, billingEmail: '', masterOrganization: name },
        now,
      );
      orgIds.push(org.id);
      await stacks.createStack(
        org.id,
        'thumb',
        { description: name, operations: [], options: { dpr: 2 }, variables: {}, expressions: [] },
        now,
      );
      await stacks.createStack(
        org.id,
        'large',
        {
          description: '',
          operations: [{ name: 'resize', options: { width: 900 }, expressions: {} }],
          options: {},
          variables: {},
          expressions: [],
        },
        now,
      );
      await stacks.bumpCacheGeneration(org.id, 'large');
      await stacks.signingKeys(org.id, () => `key-of-${name}`.padEnd(32, '0'), now);
    }
    const counts = () => Object.fromEntries(COPIED_TABLES.map((t) => [t, { source: 0, copied: 0 }])) as TableCounts;

    const first = counts();
    await copyAccounts(source, target, first);
    expect(first.stacks.copied).toBe(4);
    expect(first.signing_keys.copied).toBe(2);
    const copied = new SqlStacks(target, 'sqlite');
    for (const [i, name] of names.entries()) {
      const orgId = orgIds[i]!;
      const list = await copied.listStacks(orgId, { limit: 10, offset: 0 });
      expect(list.items.map((s) => [s.name, s.cacheGeneration, s.definition.description])).toEqual([
        ['large', 1, ''],
        ['thumb', 0, name],
      ]);
      expect(list.items[0]!.created).toEqual(now);
      const keys = await copied.signingKeys(orgId, () => 'a-new-key-must-not-be-made-here0', now);
      expect(keys.map((k) => k.key)).toEqual([`key-of-${name}`.padEnd(32, '0')]);
    }

    const second = counts();
    await copyAccounts(source, target, second);
    expect(second.stacks.copied).toBe(0);
    expect(second.signing_keys.copied).toBe(0);
  });
});
