// Memberships (spec §6.5): admins list, give, change and take roles; an
// organization always keeps an active admin.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, form, jpeg, startServer, type TestServer } from './helpers.ts';
import { call, root, signUp, uploadAs } from './tenancy-helpers.ts';

let server: TestServer;
let admin: { userId: string; key: string; email: string };
let other: { userId: string; key: string };
let orgUuid: string;

const base = '/organizations/mem-org/memberships';

beforeAll(async () => {
  server = await startServer();
  admin = await signUp(server, 'mem-org', 'admin@example.com');
  other = await signUp(server, 'other-org');
  orgUuid = (await call(server, 'GET', '/organizations/mem-org', { key: admin.key })).json.id;
});
afterAll(() => server.close());

const put = (userId: string, body: unknown, key = admin.key) =>
  call(server, 'PUT', `${base}/${userId}`, { key, json: body });

describe('memberships', () => {
  it('lists the members and gets one', async () => {
    const list = await call(server, 'GET', base, { key: admin.key });
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(1);
    expect(list.json.items).toEqual([
      expect.objectContaining({
        user_id: admin.userId,
        email: 'admin@example.com',
        organization_id: orgUuid,
        roles: ['admin'],
        active: true,
      }),
    ]);
    const one = await call(server, 'GET', `${base}/${admin.userId}`, { key: admin.key });
    expect(one.status).toBe(200);
    expect(one.json.user_id).toBe(admin.userId);
    const missing = await call(server, 'GET', `${base}/${other.userId}`, { key: admin.key });
    expect(missing.status).toBe(404);
    expect(missing.json.error.origo_code).toBe('ORIGO_ERR_MEMBERSHIP_NOT_FOUND');
  });

  it('PUT gives an existing user roles: 201 created, 204 unchanged, 200 changed', async () => {
    expect((await call(server, 'GET', '/organizations/mem-org', { key: other.key })).status).toBe(403);

    const created = await put(other.userId, { roles: ['read', 'upload'] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      user_id: other.userId,
      organization_id: orgUuid,
      roles: ['read', 'upload'],
      active: true,
    });
    expect(created.json.api_key).toBeUndefined();
    expect((await call(server, 'GET', '/organizations/mem-org', { key: other.key })).status).toBe(200);
    // The roles take effect at once: read and upload may not delete, write (below) may.
    const image = await uploadAs(server, admin.key, 'mem-org', 'm.jpg', await jpeg(66));
    const deleteByBinaryHash = () =>
      call(server, 'DELETE', `/sourceimages/mem-org?binaryHash=${image.binary_hash}`, { key: other.key });
    const refused = await deleteByBinaryHash();
    expectError(refused, 403, 'ORIGO_ERR_AUTH_FORBIDDEN');
    expect(refused.json.message).toBe('This key may not do images:write in organization mem-org');
    expect((await call(server, 'GET', `/sourceimages/mem-org/${image.hash}`, { key: admin.key })).json).toMatchObject({
      hash: image.hash,
      deleted: false,
    });

    // The same roles in another order change nothing.
    const unchanged = await put(other.userId, { roles: ['upload', 'read'] });
    expect(unchanged.status).toBe(204);
    expect(unchanged.text).toBe('');

    const changed = await put(other.userId, { role: 'write' });
    expect(changed.status).toBe(200);
    expect(changed.json.roles).toEqual(['write']);
    expect((await put(other.userId, { role: 'write' })).status).toBe(204);
    const withComment = await put(other.userId, { roles: ['write'], comment: 'the other one' });
    expect(withComment.status).toBe(200);
    expect(withComment.json.comment).toBe('the other one');

    const got = await call(server, 'GET', `${base}/${other.userId}`, { key: admin.key });
    expect(got.json.roles).toEqual(['write']);
    const deleted = await deleteByBinaryHash();
    expect(deleted.status, deleted.text).toBe(204);
    expectError(
      await call(server, 'GET', `/sourceimages/mem-org/${image.hash}`, { key: admin.key }),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
    );
  });

  it('refuses unknown roles and bodies without roles (400), and unknown users (404)', async () => {
    for (const body of [
      { roles: ['owner'] },
      { role: 'root' },
      { roles: [] },
      {},
      { roles: 'admin' },
      { roles: ['read', 7] },
    ]) {
      const res = await put(other.userId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.origo_code).toBe('ORIGO_ERR_MEMBERSHIP_BAD_ROLES');
    }
    expect((await call(server, 'PUT', `${base}/${other.userId}`, { key: admin.key, body: 'not json' })).status).toBe(
      400,
    );
    const unknown = await put('00000000-0000-0000-0000-000000000000', { roles: ['read'] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.origo_code).toBe('ORIGO_ERR_USER_NOT_FOUND');
    expect((await call(server, 'GET', `${base}/${other.userId}`, { key: admin.key })).json.roles).toEqual(['write']);
  });

  it('never demotes or removes the last active admin (409)', async () => {
    const demote = await put(admin.userId, { roles: ['write'] });
    expect(demote.status).toBe(409);
    expect(demote.json.error.origo_code).toBe('ORIGO_ERR_MEMBERSHIP_LAST_ADMIN');
    const remove = await call(server, 'DELETE', `${base}/${admin.userId}`, { key: admin.key });
    expect(remove.status).toBe(409);
    expect(remove.json.error.origo_code).toBe('ORIGO_ERR_MEMBERSHIP_LAST_ADMIN');
    // The root key is held to the same rule.
    expect((await call(server, 'DELETE', `${base}/${admin.userId}`, root())).status).toBe(409);
    expect((await call(server, 'GET', `${base}/${admin.userId}`, { key: admin.key })).json.roles).toEqual(['admin']);

    // With a second admin, the first may step down; then the second is the last.
    expect((await put(other.userId, { roles: ['admin'] })).status).toBe(200);
    const stepDown = await put(admin.userId, { roles: ['read'] }, other.key);
    expect(stepDown.status).toBe(200);
    expect((await call(server, 'GET', base, { key: admin.key })).status).toBe(403);
    expect((await put(other.userId, { roles: ['write'] }, other.key)).status).toBe(409);
    expect((await call(server, 'DELETE', `${base}/${other.userId}`, { key: other.key })).status).toBe(409);
    // Keeping admin among other roles is no demotion.
    expect((await put(other.userId, { roles: ['admin', 'write'] }, other.key)).status).toBe(200);
    // Restore the first admin.
    expect((await put(admin.userId, { roles: ['admin'] }, other.key)).status).toBe(200);
  });

  it('DELETE removes a membership (204): the user keeps its key but loses the organization', async () => {
    expect((await call(server, 'DELETE', `${base}/${other.userId}`, { key: admin.key })).status).toBe(204);
    expect((await call(server, 'GET', '/organizations/mem-org', { key: other.key })).status).toBe(403);
    expect((await call(server, 'GET', '/user', { key: other.key })).json.user_id).toBe(other.userId);
    expect((await call(server, 'GET', '/organizations/other-org', { key: other.key })).status).toBe(200);
    const again = await call(server, 'DELETE', `${base}/${other.userId}`, { key: admin.key });
    expect(again.status).toBe(404);
    expect(again.json.error.origo_code).toBe('ORIGO_ERR_MEMBERSHIP_NOT_FOUND');
    expect((await call(server, 'GET', base, { key: admin.key })).json.total).toBe(1);
  });

  it('POST makes a new user with a key and a membership (201), the key shown once', async () => {
    const res = await call(server, 'POST', base, { key: admin.key, json: { roles: ['upload'], comment: 'CI' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      organization_id: orgUuid,
      roles: ['upload'],
      active: true,
      comment: 'CI',
      email: null,
    });
    expect(res.json.api_key).toMatch(/^[0-9a-f]{64}$/);
    const key = res.json.api_key;
    const upload = await call(server, 'POST', '/sourceimages/mem-org', {
      key,
      body: form([{ name: 'ci.jpg', bytes: await jpeg(5) }]),
    });
    expect(upload.status).toBe(200);
    // upload is not read.
    expect((await call(server, 'GET', '/sourceimages/mem-org', { key })).status).toBe(403);
    const got = await call(server, 'GET', `${base}/${res.json.user_id}`, { key: admin.key });
    expect(got.json.api_key).toBeUndefined();
    expect(got.text).not.toContain(key);
    expect((await call(server, 'POST', base, { key: admin.key, json: { roles: ['nope'] } })).status).toBe(400);
    expect((await call(server, 'GET', base, { key: admin.key })).json.total).toBe(2);
  });

  it('is for admins only', async () => {
    const writer = await call(server, 'POST', base, {
      key: admin.key,
      json: { roles: ['write', 'sourceimages:unlock', 'billing:read', 'write'] },
    });
    expect(writer.status).toBe(201);
    const key = writer.json.api_key;
    expect((await call(server, 'GET', base, { key })).status).toBe(403);
    expect((await call(server, 'POST', base, { key, json: { roles: ['admin'] } })).status).toBe(403);
    expect(
      (await call(server, 'PUT', `${base}/${writer.json.user_id}`, { key, json: { roles: ['admin'] } })).status,
    ).toBe(403);
    expect((await call(server, 'GET', `${base}/${writer.json.user_id}`, root())).json.roles).toEqual([
      'billing:read',
      'sourceimages:unlock',
      'write',
    ]);
  });

  it('treats roles as a set whichever route set them: the same roles again are unchanged (204)', async () => {
    const made = await call(server, 'POST', base, {
      key: admin.key,
      json: { roles: ['write', 'billing:read', 'billing:read'] },
    });
    expect(made.status).toBe(201);
    expect(made.json.roles).toEqual(['billing:read', 'write']);
    expect((await put(made.json.user_id, { roles: ['write', 'billing:read'] })).status).toBe(204);
    expect((await put(made.json.user_id, { roles: ['billing:read', 'write', 'write'] })).status).toBe(204);
  });
});

describe('creating an organization', () => {
  it('with a user key makes that user its admin', async () => {
    const res = await call(server, 'PUT', '/organizations/made-by-user', {
      key: other.key,
      json: { billing_email: 'o@example.com' },
    });
    expect(res.status).toBe(200);
    const members = await call(server, 'GET', '/organizations/made-by-user/memberships', { key: other.key });
    expect(members.status).toBe(200);
    expect(members.json.items).toEqual([expect.objectContaining({ user_id: other.userId, roles: ['admin'] })]);
    // Nobody else is let in.
    expect((await call(server, 'GET', '/organizations/made-by-user', { key: admin.key })).status).toBe(403);
  });

  it('with the root key makes it without members', async () => {
    expect((await call(server, 'PUT', '/organizations/made-by-root', root({ json: {} }))).status).toBe(200);
    expect((await call(server, 'GET', '/organizations/made-by-root/memberships', root())).json.total).toBe(0);
  });
});
