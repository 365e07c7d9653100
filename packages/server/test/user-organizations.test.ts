// GET /user/organizations (an origo extension): the organizations the caller
// is a member of, with its roles there, sorted by name. Over HTTP, with users
// and memberships made through the API, on whatever storage this run gives
// (SQLite by default, PostgreSQL in the scale-out stage).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, startServer, type TestServer } from './helpers.ts';
import { addLoner, call, root, signUp } from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const organizationsOf = (credentials: { key: string } | { token: string }) =>
  call(server, 'GET', '/user/organizations', credentials);

const putMembership = (org: string, userId: string, roles: string[]) =>
  call(server, 'PUT', `/organizations/${org}/memberships/${userId}`, root({ json: { roles } }));

describe('GET /user/organizations', () => {
  it('lists every organization the user is a member of, with its roles there, by name', async () => {
    const user = await signUp(server, 'uo-zeta');
    const first = await organizationsOf({ key: user.key });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ items: [{ organization: 'uo-zeta', roles: ['admin'] }] });

    await createOrg(server, 'uo-beta');
    expect((await putMembership('uo-beta', user.userId, ['upload', 'read'])).status).toBe(201);
    const both = await organizationsOf({ key: user.key });
    expect(both.status).toBe(200);
    expect(both.json.items).toEqual([
      { organization: 'uo-beta', roles: ['read', 'upload'] },
      { organization: 'uo-zeta', roles: ['admin'] },
    ]);

    // Changed roles show at once.
    expect((await putMembership('uo-beta', user.userId, ['write'])).status).toBe(200);
    expect((await organizationsOf({ key: user.key })).json.items).toEqual([
      { organization: 'uo-beta', roles: ['write'] },
      { organization: 'uo-zeta', roles: ['admin'] },
    ]);
  });

  it('sorts by the name as written, "-" before letters, on every database', async () => {
    const user = await signUp(server, 'uo-ab');
    await createOrg(server, 'uo-a-c');
    await createOrg(server, 'uo-aa');
    expect((await putMembership('uo-a-c', user.userId, ['read'])).status).toBe(201);
    expect((await putMembership('uo-aa', user.userId, ['read'])).status).toBe(201);
    const names = (await organizationsOf({ key: user.key })).json.items.map(
      (item: { organization: string }) => item.organization,
    );
    // A locale collation (PostgreSQL's en_US) would ignore the "-" and give uo-aa, uo-ab, uo-a-c.
    expect(names).toEqual(['uo-a-c', 'uo-aa', 'uo-ab']);
  });

  it('no longer lists an organization the user was removed from', async () => {
    const user = await signUp(server, 'uo-stays');
    await createOrg(server, 'uo-leaves');
    expect((await putMembership('uo-leaves', user.userId, ['read'])).status).toBe(201);
    expect((await organizationsOf({ key: user.key })).json.items).toHaveLength(2);

    const removed = await call(server, 'DELETE', `/organizations/uo-leaves/memberships/${user.userId}`, root());
    expect(removed.status).toBe(204);
    expect((await organizationsOf({ key: user.key })).json.items).toEqual([
      { organization: 'uo-stays', roles: ['admin'] },
    ]);

    // A user removed from its only organization is a member of none.
    await createOrg(server, 'uo-scratch');
    const loner = await addLoner(server, 'uo-scratch');
    const none = await organizationsOf({ key: loner.key });
    expect(none.status).toBe(200);
    expect(none.json).toEqual({ items: [] });
  });

  it("never shows another user's organizations", async () => {
    const alice = await signUp(server, 'uo-alice');
    const bob = await signUp(server, 'uo-bob');
    await createOrg(server, 'uo-bobs-side');
    expect((await putMembership('uo-bobs-side', bob.userId, ['admin'])).status).toBe(201);

    expect((await organizationsOf({ key: alice.key })).json.items).toEqual([
      { organization: 'uo-alice', roles: ['admin'] },
    ]);
    expect((await organizationsOf({ key: bob.key })).json.items).toEqual([
      { organization: 'uo-bob', roles: ['admin'] },
      { organization: 'uo-bobs-side', roles: ['admin'] },
    ]);
  });

  it('answers a Bearer token from /user/apikeys/token like the key it was made from', async () => {
    const user = await signUp(server, 'uo-token');
    await createOrg(server, 'uo-token-second');
    expect((await putMembership('uo-token-second', user.userId, ['read'])).status).toBe(201);
    const issued = await call(server, 'GET', '/user/apikeys/token', { key: user.key });
    expect(issued.status).toBe(200);

    const withToken = await organizationsOf({ token: issued.json.token });
    expect(withToken.status).toBe(200);
    expect(withToken.json.items).toEqual([
      { organization: 'uo-token', roles: ['admin'] },
      { organization: 'uo-token-second', roles: ['read'] },
    ]);
  });

  it('refuses a request without a key, or with an unknown one, as every non-public route does', async () => {
    for (const res of [
      await call(server, 'GET', '/user/organizations'),
      await call(server, 'GET', '/user/organizations', { key: 'not-a-key-0123456789' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json.invalid_authentication).toBe(true);
      expect(res.json.items).toBeUndefined();
    }
  });

  it('gives the root key, which is no user and a member of nothing, an empty list', async () => {
    const res = await call(server, 'GET', '/user/organizations', root());
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ items: [] });
  });
});
