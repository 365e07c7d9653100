// ORIGO_RATE_LIMIT_PER_MINUTE holds per key across nodes: two origo servers
// on one PostgreSQL (ORIGO_TEST_DATABASE_URL, `npm run test:scale-out`),
// each with its own data folder, share each key's budget. (One node on
// SQLite keeps its in-process limiter: rate-limit-cors.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseSize } from '../src/service/shared-rate-limit.ts';
import { imageCount } from './catalog-rows.ts';
import { createOrg, form, jpeg, startServer, type TestServer } from './helpers.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';
import { addMember, type CallResult, call } from './tenancy-helpers.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];
const PER_MINUTE = 300;
/** Requests in flight at once per node. */
const CONCURRENCY = 6;

describe.skipIf(!adminUrl)('the rate limit with two nodes on one PostgreSQL', () => {
  let database: TestDatabase;
  const nodes: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!);
    const env = { ORIGO_DATABASE_URL: database.url, ORIGO_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) };
    // One after the other: the first migrates the new database.
    nodes.push(await startServer(env));
    nodes.push(await startServer(env));
    await createOrg(nodes[0]!);
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await database?.drop();
  });

  it('lets a key make the limit once between both nodes, then answers 429 with Retry-After on both, before any side effect', async () => {
    const { key } = await addMember(nodes[0]!, 'acme', ['write']);
    const chunk = leaseSize(PER_MINUTE);
    const answers: CallResult[][] = [[], []];
    const started = performance.now();
    // Every node is sent requests until it has refused one: a node refuses
    // only once it holds no leased token, so none is left unspent.
    await Promise.all(
      nodes.flatMap((node, n) =>
        Array.from({ length: CONCURRENCY }, async () => {
          while (!answers[n]!.some((r) => r.status === 429))
            answers[n]!.push(await call(node, 'GET', '/user', { key }));
        }),
      ),
    );
    const elapsedMs = performance.now() - started;
    const all = answers.flat();
    const allowed = all.filter((r) => r.status === 200).length;
    expect(all.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    // Both nodes served part of it, so the budget really was shared.
    expect(answers.every((node) => node.some((r) => r.status === 200))).toBe(true);
    // The bucket starts full (PER_MINUTE) and refills at PER_MINUTE a minute
    // while the requests run; what the nodes lease never exceeds that. Held
    // tokens not spent are at most chunk − 1 per node (a node that refused
    // held none, but a request still in flight may have leased again).
    const refill = Math.floor((PER_MINUTE * elapsedMs) / 60_000);
    expect(allowed).toBeLessThanOrEqual(PER_MINUTE + refill);
    expect(allowed).toBeGreaterThanOrEqual(PER_MINUTE - nodes.length * (chunk - 1));

    for (const refused of all.filter((r) => r.status === 429)) {
      expect(refused.json.error.origo_code).toBe('ORIGO_ERR_RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    // Uploads refused for the limit leave nothing behind, on either node.
    // The bucket refills a token every 0.2 s meanwhile, so a few may pass; each makes exactly one image.
    const before = await imageCount(nodes[0]!);
    const uploads = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        call(nodes[i % 2]!, 'POST', '/sourceimages/acme', {
          key,
          body: form([{ name: `u${i}.jpg`, bytes: await jpeg(i) }]),
        }),
      ),
    );
    expect(uploads.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    expect(uploads.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(10);
    expect(await imageCount(nodes[1]!)).toBe(before + uploads.filter((r) => r.status === 200).length);
  });
});
