// Users and API keys (spec §6.1, §6.4): sign-up, GET /user, key management,
// and keys kept only as SHA-256 digests.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogRows, catalogTables } from './catalog-rows.ts';
import { ROOT_KEY, startServer, type TestServer } from './helpers.ts';
import { addMember, call, root, signUp } from './tenancy-helpers.ts';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

let server: TestServer;
/** Every plain key this server ever showed. */
const issued: string[] = [];
/** Keys deleted through the API. */
const revoked: string[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function userCount(s: TestServer): Promise<number> {
  const [row] = await catalogRows<{ n: number }>(s, 'SELECT count(*) AS n FROM users');
  return Number(row!.n);
}

describe('POST /users', () => {
  it('with the root key makes a user, its key and an organization it administers', async () => {
    const res = await call(
      server,
      'POST',
      '/users',
      root({ json: { email: 'ann@example.com', organization: 'ann-org' } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(res.json).sort()).toEqual(['api_key', 'email', 'id']);
    expect(res.json.email).toBe('ann@example.com');
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.api_key).toMatch(/^[0-9a-f]{64}$/);
    issued.push(res.json.api_key);

    const org = await call(server, 'GET', '/organizations/ann-org', { key: res.json.api_key });
    expect(org.status).toBe(200);
    expect(org.json.name).toBe('ann-org');
    const members = await call(server, 'GET', '/organizations/ann-org/memberships', { key: res.json.api_key });
    expect(members.status).toBe(200);
    expect(members.json.items).toEqual([
      expect.objectContaining({ user_id: res.json.id, email: 'ann@example.com', roles: ['admin'], active: true }),
    ]);
  });

  it('is refused without the root key while sign-up is closed, and nothing is made', async () => {
    const users = await userCount(server);
    const anonymous = await call(server, 'POST', '/users', {
      json: { email: 'eve@example.com', organization: 'eve-org' },
    });
    expect(anonymous.status).toBe(403);
    expect(anonymous.json.error.origo_code).toBe('ORIGO_ERR_AUTH_SIGNUP_CLOSED');

    const ann = await signUp(server, 'ann2-org');
    issued.push(ann.key);
    const byUser = await call(server, 'POST', '/users', {
      key: ann.key,
      json: { email: 'eve@example.com', organization: 'eve-org' },
    });
    expect(byUser.status).toBe(403);
    expect(byUser.json.error.origo_code).toBe('ORIGO_ERR_AUTH_SIGNUP_CLOSED');

    const badKey = await call(server, 'POST', '/users', {
      key: 'wrong-key-0123456789',
      json: { email: 'eve@example.com', organization: 'eve-org' },
    });
    expect(badKey.status).toBe(403);
    expect(badKey.json.invalid_authentication).toBe(true);

    expect((await call(server, 'GET', '/organizations/eve-org', root())).status).toBe(404);
    expect(await userCount(server)).toBe(users + 1);
  });

  it('refuses an organization that exists or an invalid name, without making a user', async () => {
    const users = await userCount(server);
    const taken = await call(
      server,
      'POST',
      '/users',
      root({ json: { email: 'x@example.com', organization: 'ann-org' } }),
    );
    expect(taken.status).toBe(409);
    expect(taken.json.error.origo_code).toBe('ORIGO_ERR_ORG_EXISTS');
    const invalid = await call(
      server,
      'POST',
      '/users',
      root({ json: { email: 'x@example.com', organization: 'Not Valid!' } }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.origo_code).toBe('ORIGO_ERR_ORG_INVALID_NAME');
    const badEmail = await call(server, 'POST', '/users', root({ json: { email: 'nope', organization: 'fine-org' } }));
    expect(badEmail.status).toBe(400);
    expect(await userCount(server)).toBe(users);
  });

  it('lets exactly one of two racing sign-ups for the same organization win, leaving no stray user', async () => {
    const users = await userCount(server);
    const results = await Promise.all(
      ['r1@example.com', 'r2@example.com', 'r3@example.com'].map((email) =>
        call(server, 'POST', '/users', root({ json: { email, organization: 'race-org' } })),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await userCount(server)).toBe(users + 1);
  });

  it('is open to anyone with ORIGO_OPEN_SIGNUP=true', async () => {
    const open = await startServer({ ORIGO_OPEN_SIGNUP: 'true' });
    try {
      const res = await call(open, 'POST', '/users', { json: { email: 'bob@example.com', organization: 'bob-org' } });
      expect(res.status).toBe(200);
      const members = await call(open, 'GET', '/organizations/bob-org/memberships', { key: res.json.api_key });
      expect(members.json.items).toEqual([expect.objectContaining({ user_id: res.json.id, roles: ['admin'] })]);
      // The root key still may.
      expect(
        (await call(open, 'POST', '/users', root({ json: { email: 'c@example.com', organization: 'c-org' } }))).status,
      ).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('GET /user', () => {
  it('shows an admin its id, email and keys (never the keys themselves)', async () => {
    const user = await signUp(server, 'gu-org', 'gu@example.com');
    issued.push(user.key);
    const res = await call(server, 'GET', '/user', { key: user.key });
    expect(res.status).toBe(200);
    expect(res.json.user_id).toBe(user.userId);
    expect(res.json.email).toBe('gu@example.com');
    expect(res.json.api_keys).toHaveLength(1);
    expect(Object.keys(res.json.api_keys[0]).sort()).toEqual(expect.arrayContaining(['comment', 'created', 'id']));
    expect(res.text).not.toContain(user.key);
    expect(res.text).not.toContain(sha256(user.key));
  });

  it('shows only the id to a user with read, upload or sourceimages:read anywhere, who may not manage keys', async () => {
    for (const role of ['read', 'upload', 'sourceimages:read'] as const) {
      const admin = await signUp(server, `gu-${role.replace(':', '-')}`);
      issued.push(admin.key);
      // The user administers its own organization and has `role` in another one.
      const res = await call(
        server,
        'PUT',
        `/organizations/ann-org/memberships/${admin.userId}`,
        root({ json: { roles: [role] } }),
      );
      expect(res.status).toBe(201);
      const me = await call(server, 'GET', '/user', { key: admin.key });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ user_id: admin.userId });
      for (const [method, pathname] of [
        ['GET', '/user/apikeys'],
        ['POST', '/user/apikeys'],
      ] as const) {
        const refused = await call(server, method, pathname, { key: admin.key });
        expect(refused.status, `${role} ${method} ${pathname}`).toBe(403);
      }
    }
  });
});

describe('/user/apikeys', () => {
  let user: { userId: string; key: string };
  beforeAll(async () => {
    user = await signUp(server, 'keys-org');
    issued.push(user.key);
  });

  it('adds keys (shown once), up to five per user, then answers 409', async () => {
    const added: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(server, 'POST', '/user/apikeys', { key: user.key, json: { comment: `key ${i}` } });
      expect(res.status).toBe(200);
      expect(res.json.api_key).toMatch(/^[0-9a-f]{64}$/);
      expect(res.json.comment).toBe(`key ${i}`);
      expect(res.json.id).toEqual(expect.any(String));
      added.push(res.json.api_key);
      issued.push(res.json.api_key);
    }
    expect(new Set([user.key, ...added]).size).toBe(5);
    const sixth = await call(server, 'POST', '/user/apikeys', { key: user.key, json: {} });
    expect(sixth.status).toBe(409);
    expect(sixth.json.error.origo_code).toBe('ORIGO_ERR_KEY_LIMIT');

    const list = await call(server, 'GET', '/user/apikeys', { key: user.key });
    expect(list.status).toBe(200);
    expect(list.json).toHaveLength(5);
    for (const key of [user.key, ...added]) {
      expect(list.text).not.toContain(key);
      expect(list.text).not.toContain(sha256(key));
    }
    // Every new key works.
    for (const key of added) expect((await call(server, 'GET', '/organizations/keys-org', { key })).status).toBe(200);
  });

  it('tells the key in use', async () => {
    const list = await call(server, 'GET', '/user/apikeys', { key: user.key });
    const res = await call(server, 'GET', '/user/apikeys/current', { key: user.key });
    expect(res.status).toBe(200);
    // The first key is the sign-up key.
    expect(res.json.id).toBe(list.json[0].id);
    expect(res.text).not.toContain(user.key);
    const second = list.json[1].id;
    const other = issued.at(-4)!;
    expect((await call(server, 'GET', '/user/apikeys/current', { key: other })).json.id).toBe(second);
  });

  it('deletes a key (204), not the one in use (400), not an unknown or foreign one (404)', async () => {
    const list = (await call(server, 'GET', '/user/apikeys', { key: user.key })).json as { id: string }[];
    const victimKey = issued.at(-1)!;
    const victimId = (await call(server, 'GET', '/user/apikeys/current', { key: victimKey })).json.id;
    expect(list.map((k) => k.id)).toContain(victimId);

    const inUse = await call(server, 'DELETE', `/user/apikeys/${list[0]!.id}`, { key: user.key });
    expect(inUse.status).toBe(400);
    expect(inUse.json.error.origo_code).toBe('ORIGO_ERR_KEY_IN_USE');

    const unknown = await call(server, 'DELETE', '/user/apikeys/00000000-0000-0000-0000-000000000000', {
      key: user.key,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.origo_code).toBe('ORIGO_ERR_KEY_NOT_FOUND');

    // Another user cannot delete this user's key.
    const stranger = await signUp(server, 'stranger-org');
    issued.push(stranger.key);
    const foreign = await call(server, 'DELETE', `/user/apikeys/${victimId}`, { key: stranger.key });
    expect(foreign.status).toBe(404);
    expect((await call(server, 'GET', '/organizations/keys-org', { key: victimKey })).status).toBe(200);

    const deleted = await call(server, 'DELETE', `/user/apikeys/${victimId}`, { key: user.key });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    revoked.push(victimKey);
    const gone = await call(server, 'GET', '/organizations/keys-org', { key: victimKey });
    expect(gone.status).toBe(403);
    expect(gone.json.invalid_authentication).toBe(true);
    expect((await call(server, 'GET', '/user/apikeys', { key: user.key })).json).toHaveLength(4);
    // Room for one more again.
    const again = await call(server, 'POST', '/user/apikeys', { key: user.key, json: {} });
    expect(again.status).toBe(200);
    issued.push(again.json.api_key);
  });

  it('gives members made by an admin their own key', async () => {
    const member = await addMember(server, 'keys-org', ['write']);
    issued.push(member.key);
    const me = await call(server, 'GET', '/user', { key: member.key });
    expect(me.json.user_id).toBe(member.userId);
    expect(me.json.api_keys).toHaveLength(1);
  });
});

describe('key storage', () => {
  it('keeps no plain key anywhere in the database; api_keys.digest holds their SHA-256 hex', async () => {
    expect(issued.length).toBeGreaterThan(10);
    const tables = await catalogTables(server);
    expect(tables).toEqual(expect.arrayContaining(['users', 'api_keys', 'memberships', 'settings']));
    const secrets = [...issued, ROOT_KEY];
    let cells = 0;
    for (const table of tables) {
      for (const row of await catalogRows(server, `SELECT * FROM "${table}"`)) {
        for (const [column, value] of Object.entries(row)) {
          cells++;
          const text = Buffer.isBuffer(value) ? `${value.toString('utf8')} ${value.toString('hex')}` : String(value);
          for (const secret of secrets) {
            if (text.includes(secret)) throw new Error(`${table}.${column} holds a plain key`);
          }
        }
      }
    }
    expect(cells).toBeGreaterThan(100);

    const digests = (await catalogRows<{ digest: string }>(server, 'SELECT digest FROM api_keys')).map((r) => r.digest);
    for (const digest of digests) expect(digest).toMatch(/^[0-9a-f]{64}$/);
    // Every key still valid is there as its digest; the deleted one is gone.
    expect(revoked).toHaveLength(1);
    for (const key of issued.filter((k) => !revoked.includes(k))) expect(digests).toContain(sha256(key));
    for (const key of revoked) expect(digests).not.toContain(sha256(key));
    expect(digests).not.toContain(sha256(ROOT_KEY));
  });
});
