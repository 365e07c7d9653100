// The shared rate limiter (service/shared-rate-limit.ts) over the real
// bucket table: on SQLite always, on PostgreSQL with ORIGO_TEST_DATABASE_URL.
// Two limiters on one database stand for two nodes; the clock is a test's,
// so nothing refills unless the test moves it.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  leaseSize,
  OFFLINE_RETRY_MS,
  type RateBucketStore,
  SharedRateLimiter,
} from '../src/service/shared-rate-limit.ts';
import type { Accounts } from '../src/storage/catalog/accounts.ts';
import { closeStorage, openStorage, type Storage } from '../src/storage/index.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];

/** The store, counting leases and recording what each forgetting deleted. */
function counted(accounts: Accounts) {
  const counts = { leases: 0, forgotten: [] as number[] };
  const store: RateBucketStore = {
    leaseRateTokens(...args) {
      counts.leases++;
      return accounts.leaseRateTokens(...args);
    },
    async forgetIdleRateBuckets(now) {
      const n = await accounts.forgetIdleRateBuckets(now);
      counts.forgotten.push(n);
      return n;
    },
  };
  return { store, counts };
}

async function takeAll(limiter: SharedRateLimiter, caller: string, n: number): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, () => limiter.take(caller)));
}

function sharedLimiter(backend: string, databaseUrl: () => Promise<TestDatabase | undefined>) {
  describe(`SharedRateLimiter on ${backend}`, () => {
    let storage: Storage;
    let database: TestDatabase | undefined;
    let dataDir: string;
    let now: number;
    const clock = () => now;
    const warnings: string[] = [];
    const limiter = (perMinute: number, store: RateBucketStore = storage.accounts) =>
      new SharedRateLimiter(store, perMinute, (m) => warnings.push(m), clock);

    beforeEach(async () => {
      database = await databaseUrl();
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-shared-limit-'));
      storage = await openStorage({ dataDir, sqliteDurability: 'full', databaseUrl: database?.url, databasePool: 10 });
      now = Date.UTC(2026, 0, 1);
      warnings.length = 0;
    });
    afterEach(async () => {
      await closeStorage(storage);
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    });

    it('leases 1% of the budget at a time, at least one', () => {
      expect([leaseSize(1), leaseSize(99), leaseSize(100), leaseSize(300), leaseSize(6000), leaseSize(6099)]).toEqual([
        1, 1, 1, 3, 60, 60,
      ]);
    });

    it('gives two nodes the budget once between them, then says when a token is back', async () => {
      const { store, counts } = counted(storage.accounts);
      const a = limiter(300, store);
      const b = limiter(300, store);
      const answers: number[] = [];
      // Interleaved, as a load balancer sends them.
      for (let i = 0; i < 200; i++) answers.push(await a.take('key:k'), await b.take('key:k'));
      expect(answers.filter((w) => w === 0)).toHaveLength(300);
      // 300 a minute is a token every 0.2 s: retry in 1 s (whole seconds, at least one).
      expect(new Set(answers.filter((w) => w !== 0))).toEqual(new Set([1]));
      // Chunks of 3: 100 leases that granted, then one refused lease per node (refusals are then answered in process).
      expect(counts.leases).toBe(102);
      // Another caller has a bucket of its own.
      expect(await a.take('key:other')).toBe(0);
      now += 200;
      expect(await b.take('key:k')).toBe(0);
      expect(await a.take('key:k')).toBe(1);
    });

    it('sends one lease at a time for the concurrent requests of a caller on a node', async () => {
      const { store, counts } = counted(storage.accounts);
      const a = limiter(300, store);
      const waits = await takeAll(a, 'key:k', 90);
      expect(waits.every((w) => w === 0)).toBe(true);
      expect(counts.leases).toBe(30);
      // The 210 left, requested at once from two nodes, and not one more.
      const b = limiter(300, store);
      const both = (await Promise.all([takeAll(a, 'key:k', 150), takeAll(b, 'key:k', 150)])).flat();
      expect(both.filter((w) => w === 0)).toHaveLength(210);
    });

    it('refills at the limit per minute, up to a full bucket', async () => {
      const a = limiter(300);
      expect((await takeAll(a, 'key:k', 301)).filter((w) => w === 0)).toHaveLength(300);
      now += 10_000; // 50 tokens
      const b = limiter(300);
      expect((await takeAll(b, 'key:k', 60)).filter((w) => w === 0)).toHaveLength(50);
      now += 10 * 60_000; // far past full: still 300
      expect((await takeAll(a, 'key:k', 400)).filter((w) => w === 0)).toHaveLength(300);
    });

    it('forgets, once a minute, the buckets of callers idle for a minute', async () => {
      const { store, counts } = counted(storage.accounts);
      const a = limiter(300, store);
      await a.take('key:idle');
      await a.take('key:busy');
      now += 61_000;
      await a.take('key:busy');
      await expect.poll(() => counts.forgotten).toEqual([0, 1]);
      // A forgotten caller starts again with a full bucket.
      expect((await takeAll(limiter(300), 'key:idle', 301)).filter((w) => w === 0)).toHaveLength(300);
    });

    it('limits on its own while the database refuses, warns once, and asks again after a while', async () => {
      let failing = true;
      const store: RateBucketStore = {
        leaseRateTokens: (...args) =>
          failing ? Promise.reject(new Error('connection refused')) : storage.accounts.leaseRateTokens(...args),
        forgetIdleRateBuckets: (t) => storage.accounts.forgetIdleRateBuckets(t),
      };
      const a = limiter(3, store);
      expect(await takeAll(a, 'key:k', 5)).toEqual([0, 0, 0, 20, 20]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('connection refused');
      expect(warnings[0]).toContain('ORIGO_RATE_LIMIT_PER_MINUTE');
      failing = false;
      now += OFFLINE_RETRY_MS; // back to the shared bucket, which nothing has taken from yet
      expect(await takeAll(a, 'key:k', 4)).toEqual([0, 0, 0, 20]);
      expect(warnings).toHaveLength(1);
    });
  });
}

sharedLimiter('SQLite', async () => undefined);

describe.skipIf(!adminUrl)('on PostgreSQL from ORIGO_TEST_DATABASE_URL', () => {
  sharedLimiter('PostgreSQL', () => createTestDatabase(adminUrl!));
});
