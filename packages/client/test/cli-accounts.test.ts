// `origo org`, `user` and `key` as a user runs them (built CLI, child
// process, real origo); effects read back through the server's API.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, runCli } from './cli-run.ts';

let server: TestServer;

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
  await createOrg(server, 'acme');
}, 120_000);

afterAll(async () => {
  await server?.close();
});

async function run(key: string, ...args: string[]): Promise<string> {
  const res = await runCli(args, cleanEnv({ ORIGO_URL: server.url, ORIGO_API_KEY: key }));
  expect(res.code, `origo ${args.join(' ')}\n${res.stderr}`).toBe(0);
  return res.stdout;
}

describe('origo org', () => {
  it('create, get and option', async () => {
    await run(ROOT_KEY, 'org', 'create', 'newco', '--billing-email', 'billing@newco.example');
    const stored = await api(server, 'GET', '/organizations/newco');
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({ name: 'newco', billing_email: 'billing@newco.example', display_name: 'newco' });
    expect(JSON.parse(await run(ROOT_KEY, 'org', 'get', 'newco', '--json')).name).toBe('newco');
    await run(ROOT_KEY, 'org', 'option', 'newco', 'protect_dynamic_stack', 'true');
    expect((await api(server, 'GET', '/organizations/newco')).json.options).toMatchObject({
      protect_dynamic_stack: true,
    });
  });
});

describe('origo user and key', () => {
  it('a new user sees itself and manages its keys', async () => {
    const made = JSON.parse(await run(ROOT_KEY, 'user', 'create', 'ann@example.com', 'anns-org', '--json'));
    expect(made.api_key).toEqual(expect.any(String));
    const key: string = made.api_key;

    expect(JSON.parse(await run(key, 'user', 'show', '--json')).user_id).toBe(made.id);
    const added = JSON.parse(await run(key, 'key', 'create', '--comment', 'ci', '--json'));
    expect(added).toMatchObject({ comment: 'ci', api_key: expect.any(String) });
    const listed = JSON.parse(await run(key, 'key', 'list', '--json'));
    expect(listed.map((k: { id: string }) => k.id)).toContain(added.id);
    expect(await run(key, 'key', 'list')).toMatch(/^ID +COMMENT +CREATED/);
    const current = JSON.parse(await run(added.api_key, 'key', 'current', '--json'));
    expect(current.id).toBe(added.id);
    await run(key, 'key', 'delete', added.id);
    const after = JSON.parse(await run(key, 'key', 'list', '--json'));
    expect(after.map((k: { id: string }) => k.id)).not.toContain(added.id);
  });

  it('members of an organization: add and remove roles', async () => {
    const made = JSON.parse(await run(ROOT_KEY, 'user', 'create', 'bob@example.com', 'bobs-org', '--json'));
    await run(ROOT_KEY, 'user', 'add', made.id, '--org', 'acme', '--role', 'read', '--role', 'write');
    const members = JSON.parse(await run(ROOT_KEY, 'user', 'members', '--org', 'acme', '--json'));
    const bob = members.items.find((m: { user_id: string }) => m.user_id === made.id);
    expect(bob.roles.sort()).toEqual(['read', 'write']);
    await run(ROOT_KEY, 'user', 'remove', made.id, '--org', 'acme');
    expect((await api(server, 'GET', `/organizations/acme/memberships/${made.id}`)).status).toBe(404);
  });
});
