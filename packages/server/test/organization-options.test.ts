// Organization options (protect_dynamic_stack) and signing keys over HTTP
// (spec §7): setting one option or several, refusals, who may set them, the
// signing key made once and shown as rokka shows it, one key however many
// callers ask for it first at once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/storage/catalog/accounts.ts';
import { catalogRows } from './catalog-rows.ts';
import { api, createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import { addMember, call, signUp } from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const ROKKA_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

async function signingKeyRows(org: string): Promise<string[]> {
  const rows = await catalogRows<{ key: string }>(
    server,
    'select key from signing_keys where org_id = (select id from organizations where name = ?)',
    [org],
  );
  return rows.map((r) => r.key);
}

describe('organization options', () => {
  beforeAll(() => createOrg(server, 'opt'));

  it('sets protect_dynamic_stack with PUT …/options/protect_dynamic_stack and a JSON true; GET shows it', async () => {
    expect((await api(server, 'GET', '/organizations/opt')).json.options).toEqual({});
    const res = await api(server, 'PUT', '/organizations/opt/options/protect_dynamic_stack', { body: 'true' });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ protect_dynamic_stack: true });
    expect((await api(server, 'GET', '/organizations/opt')).json.options).toEqual({ protect_dynamic_stack: true });
    await api(server, 'PUT', '/organizations/opt/options/protect_dynamic_stack', { body: 'false' });
    expect((await api(server, 'GET', '/organizations/opt')).json.options).toEqual({ protect_dynamic_stack: false });
  });

  it('sets options from an object with PUT …/options, and null unsets one', async () => {
    const res = await api(server, 'PUT', '/organizations/opt/options', {
      body: JSON.stringify({ protect_dynamic_stack: true }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ protect_dynamic_stack: true });
    const unset = await api(server, 'PUT', '/organizations/opt/options/protect_dynamic_stack', { body: 'null' });
    expect(unset.json).toEqual({});
    expect((await api(server, 'GET', '/organizations/opt')).json.options).toEqual({});
  });

  it('refuses unknown options and wrong types with 400 ORIGO_ERR_ORG_BAD_OPTION, changing nothing', async () => {
    await api(server, 'PUT', '/organizations/opt/options/protect_dynamic_stack', { body: 'true' });
    const refusals: [string, string, string][] = [
      ['/organizations/opt/options/remote_basepath', '"https://example.com/"', '"remote_basepath"'],
      ['/organizations/opt/options/protect_dynamic_stack', '"yes"', 'protect_dynamic_stack'],
      ['/organizations/opt/options/protect_dynamic_stack', '1', 'true or false'],
      ['/organizations/opt/options/protect_dynamic_stack', '', 'no value'],
      ['/organizations/opt/options', '[true]', 'JSON object'],
      // All or nothing: the known option of a refused object is not set either.
      ['/organizations/opt/options', '{"protect_dynamic_stack": false, "bogus": 1}', '"bogus"'],
      ['/organizations/opt/options', '{"protect_dynamic_stack": "false"}', 'protect_dynamic_stack'],
    ];
    for (const [path, body, mention] of refusals) {
      expectError(await api(server, 'PUT', path, { body }), 400, 'ORIGO_ERR_ORG_BAD_OPTION', mention);
    }
    expect((await api(server, 'GET', '/organizations/opt')).json.options).toEqual({ protect_dynamic_stack: true });
  });

  it('may be set by admin and write only, and only in their own organization', async () => {
    await createOrg(server, 'opt-roles');
    const expected: [Role, number][] = [
      ['admin', 200],
      ['write', 200],
      ['read', 403],
      ['upload', 403],
      ['sourceimages:write', 403],
      ['billing:read', 403],
    ];
    const got: [Role, number][] = [];
    for (const [role] of expected) {
      const member = await addMember(server, 'opt-roles', [role]);
      const res = await call(server, 'PUT', '/organizations/opt-roles/options/protect_dynamic_stack', {
        key: member.key,
        json: true,
      });
      got.push([role, res.status]);
    }
    expect(got).toEqual(expected);
    const outsider = await signUp(server, 'opt-outsider');
    const res = await call(server, 'PUT', '/organizations/opt/options', {
      key: outsider.key,
      json: { protect_dynamic_stack: false },
    });
    expectError(res, 403, 'ORIGO_ERR_AUTH_FORBIDDEN');
    expect((await api(server, 'GET', '/organizations/opt')).json.options).toEqual({ protect_dynamic_stack: true });
  });
});

/**
 * An organization made in the catalog, as an older origo made them: no
 * signing key yet (PUT /organizations answers with one, so makes it).
 */
async function orgWithoutKey(name: string): Promise<void> {
  await server.storage.catalog.createOrganization(
    { name, displayName: name, billingEmail: 'ops@example.com', masterOrganization: name },
    new Date(),
  );
}

describe('signing keys', () => {
  it('come with a new organization', async () => {
    const created = await api(server, 'PUT', '/organizations/sig-new', { body: '{}' });
    expect(created.json.signing_keys).toEqual([
      { key: expect.stringMatching(/^[A-Za-z0-9]{32}$/), created: expect.stringMatching(ROKKA_DATE) },
    ]);
    expect(await signingKeyRows('sig-new')).toEqual([created.json.signing_keys[0].key]);
  });

  it('are made on first need: one key of 32 letters and digits, the same on every read and stored', async () => {
    await orgWithoutKey('sig');
    expect(await signingKeyRows('sig')).toEqual([]);
    const first = await api(server, 'GET', '/organizations/sig');
    expect(first.json.signing_keys).toEqual([
      { key: expect.stringMatching(/^[A-Za-z0-9]{32}$/), created: expect.stringMatching(ROKKA_DATE) },
    ]);
    const again = await api(server, 'GET', '/organizations/sig');
    expect(again.json.signing_keys).toEqual(first.json.signing_keys);
    expect(await signingKeyRows('sig')).toEqual([first.json.signing_keys[0].key]);
  });

  it('differ between organizations', async () => {
    await createOrg(server, 'sig-other');
    const a = (await api(server, 'GET', '/organizations/sig')).json.signing_keys[0].key;
    const b = (await api(server, 'GET', '/organizations/sig-other')).json.signing_keys[0].key;
    expect(a).not.toBe(b);
  });

  it('end as one key when many callers ask first at once', async () => {
    await orgWithoutKey('sig-race');
    const answers = await Promise.all(Array.from({ length: 12 }, () => api(server, 'GET', '/organizations/sig-race')));
    const keys = new Set(answers.map((r) => r.json.signing_keys.map((k: { key: string }) => k.key).join()));
    expect(keys.size).toBe(1);
    expect(await signingKeyRows('sig-race')).toEqual([...keys]);
  });

  it('end as one key when the catalog is asked at once with different keys to make', async () => {
    await orgWithoutKey('sig-store');
    const orgId = (await server.storage.catalog.findOrganization('sig-store'))!.id;
    const made = Array.from({ length: 8 }, (_, i) => `candidate-${i}`.padEnd(32, 'x'));
    const answers = await Promise.all(
      made.map((key) => server.storage.stacks.signingKeys(orgId, () => key, new Date())),
    );
    const chosen = answers[0]![0]!.key;
    expect(made).toContain(chosen);
    for (const keys of answers) expect(keys.map((k) => k.key)).toEqual([chosen]);
    expect(await signingKeyRows('sig-store')).toEqual([chosen]);
  });

  it('are shown to admin, write and read, not to roles that cannot sign', async () => {
    await createOrg(server, 'sig-roles');
    const shown: [Role, number][] = [
      ['admin', 1],
      ['write', 1],
      ['read', 1],
      ['sourceimages:read', 0],
      ['sourceimages:write', 0],
      ['billing:read', 0],
    ];
    const got: [Role, number][] = [];
    for (const [role] of shown) {
      const member = await addMember(server, 'sig-roles', [role]);
      const res = await call(server, 'GET', '/organizations/sig-roles', { key: member.key });
      expect(res.status).toBe(200);
      got.push([role, res.json.signing_keys.length]);
    }
    expect(got).toEqual(shown);
  });
});
