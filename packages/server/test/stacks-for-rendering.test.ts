// What the render service asks of stacks and organizations, through the
// service functions it calls: a stack by name with its definition and cache
// generation, the signing keys, protect_dynamic_stack. On one node, and
// (under test:scale-out) across two nodes on one PostgreSQL database.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS_FRESH_MS, organizationOptions, protectsDynamicStack } from '../src/service/organization-options.ts';
import { requireOrganization } from '../src/service/organizations.ts';
import { signingKeysOf } from '../src/service/signing-keys.ts';
import { findStack } from '../src/service/stacks.ts';
import { api, createOrg, startServer, type TestServer } from './helpers.ts';
import { serversOnPostgres } from './test-storage.ts';

const STACK = { operations: [{ name: 'resize', options: { width: 120 } }], variables: { w: 3 } };

describe('on one node', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await createOrg(server, 'rnd');
  });
  afterAll(() => server.close());

  it('finds a stack by name with its definition and cache generation, and nothing for other names', async () => {
    await api(server, 'PUT', '/stacks/rnd/small', { body: JSON.stringify(STACK) });
    const org = await requireOrganization(server.deps, 'rnd');
    const found = await findStack(server.deps, org, 'small');
    expect(found).toMatchObject({
      name: 'small',
      cacheGeneration: 0,
      definition: {
        description: '',
        operations: [{ name: 'resize', options: { width: 120 }, expressions: {} }],
        options: {},
        variables: { w: 3 },
        expressions: [],
      },
    });
    await api(server, 'DELETE', '/stacks/rnd/small/cache');
    expect((await findStack(server.deps, org, 'small'))?.cacheGeneration).toBe(1);
    expect(await findStack(server.deps, org, 'absent')).toBeUndefined();
    expect(await findStack(server.deps, org, 'dynamic')).toBeUndefined();
    expect(await findStack(server.deps, org, '../small')).toBeUndefined();
  });

  it('gives the signing key GET /organizations shows', async () => {
    const org = await requireOrganization(server.deps, 'rnd');
    const keys = await signingKeysOf(server.deps, org);
    const shown = (await api(server, 'GET', '/organizations/rnd')).json.signing_keys;
    expect(keys.map((k) => k.key)).toEqual(shown.map((k: { key: string }) => k.key));
  });

  it('sees protect_dynamic_stack as soon as this node set it', async () => {
    const org = await requireOrganization(server.deps, 'rnd');
    expect(await protectsDynamicStack(server.deps, org)).toBe(false);
    await api(server, 'PUT', '/organizations/rnd/options/protect_dynamic_stack', { body: 'true' });
    expect(await protectsDynamicStack(server.deps, org)).toBe(true);
    await api(server, 'PUT', '/organizations/rnd/options', { body: '{"protect_dynamic_stack": false}' });
    expect(await protectsDynamicStack(server.deps, org)).toBe(false);
  });
});

describe.skipIf(!serversOnPostgres)('on two nodes sharing one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startServer();
    b = await startServer(a.storageEnv);
    await createOrg(a, 'rnd-two');
  });
  afterAll(async () => {
    // b uses a's database, which a's close drops: b goes first.
    await b?.close();
    await a?.close();
  });

  it('both nodes end with the same signing key when both ask first at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => api(i % 2 === 0 ? a : b, 'GET', '/organizations/rnd-two')),
    );
    const keys = new Set(answers.map((r) => JSON.stringify(r.json.signing_keys)));
    expect(keys.size).toBe(1);
    expect(answers[0]!.json.signing_keys).toHaveLength(1);
  });

  it('a stack written on one node is found on the other, with its cache generation', async () => {
    await api(a, 'PUT', '/stacks/rnd-two/shared', { body: JSON.stringify(STACK) });
    await api(a, 'DELETE', '/stacks/rnd-two/shared/cache');
    const org = await requireOrganization(b.deps, 'rnd-two');
    expect((await findStack(b.deps, org, 'shared'))?.cacheGeneration).toBe(1);
  });

  it('an option set on one node shows on the other at once in GET /organizations, and to rendering within OPTIONS_FRESH_MS', async () => {
    const org = await requireOrganization(b.deps, 'rnd-two');
    expect(await protectsDynamicStack(b.deps, org)).toBe(false);
    await api(a, 'PUT', '/organizations/rnd-two/options/protect_dynamic_stack', { body: 'true' });
    expect((await api(b, 'GET', '/organizations/rnd-two')).json.options).toEqual({ protect_dynamic_stack: true });
    b.advanceClock(OPTIONS_FRESH_MS);
    expect(await protectsDynamicStack(b.deps, org)).toBe(true);
    expect(await organizationOptions(b.deps, org)).toEqual({ protect_dynamic_stack: true });
  });
});
