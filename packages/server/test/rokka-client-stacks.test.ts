// The official rokka JavaScript client drives the stacks API and the
// organization options unchanged: what it sends is what origo reads, what
// origo answers is what it hands back.

import { Rokka } from 'rokka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, ROOT_KEY, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
let client: Rokka;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'rk-stacks');
  client = new Rokka({ apiKey: ROOT_KEY, apiHost: server.url, transport: { retries: 0 } });
});
afterAll(() => server.close());

describe('the rokka npm client with stacks', () => {
  it('creates, overwrites, gets, lists, purges and deletes a stack', async () => {
    const operations = [client.operations.resize(200, 150), client.operations.rotate(90)];
    const expressions = [client.expressions.default('options.dpr > 2', { 'jpg.quality': 60 })];
    const created = await client.stacks.create('rk-stacks', 'thumbs', {
      operations,
      options: { 'jpg.quality': 80 },
      expressions,
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).toMatchObject({
      name: 'thumbs',
      organization: 'rk-stacks',
      stack_operations: [
        { name: 'resize', options: { width: 200, height: 150 } },
        { name: 'rotate', options: { angle: 90 } },
      ],
      stack_options: { 'jpg.quality': 80 },
      stack_expressions: [{ expression: 'options.dpr > 2', overrides: { options: { 'jpg.quality': 60 } } }],
    });

    await expect(client.stacks.create('rk-stacks', 'thumbs', { operations })).rejects.toMatchObject({
      statusCode: 409,
    });
    const replaced = await client.stacks.create(
      'rk-stacks',
      'thumbs',
      { operations: [client.operations.blur(5)] },
      { overwrite: true },
    );
    expect(replaced.statusCode).toBe(200);
    expect(replaced.body.stack_operations).toEqual([{ name: 'blur', options: { sigma: 5 } }]);

    expect((await client.stacks.get('rk-stacks', 'thumbs')).body.stack_operations).toEqual([
      { name: 'blur', options: { sigma: 5 } },
    ]);
    const list = await client.stacks.list('rk-stacks', 10);
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['thumbs']);

    const purged = await client.stacks.invalidateCache('rk-stacks', 'thumbs');
    expect(purged.statusCode).toBe(200);
    expect(purged.body).toEqual({ status: 'ok' });

    expect((await client.stacks.delete('rk-stacks', 'thumbs')).statusCode).toBe(204);
    await expect(client.stacks.get('rk-stacks', 'thumbs')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('sets protect_dynamic_stack and reads the signing key from the organization', async () => {
    const set = await client.organizations.setOption(
      'rk-stacks',
      client.organizations.OPTION_PROTECT_DYNAMIC_STACK,
      true,
    );
    expect(set.statusCode).toBe(200);
    const org = await client.organizations.get('rk-stacks');
    expect(org.body.options).toEqual({ protect_dynamic_stack: true });
    expect(org.body.signing_keys[0].key).toMatch(/^[A-Za-z0-9]{32}$/);
    const many = await client.organizations.setOptions('rk-stacks', { protect_dynamic_stack: false });
    expect(many.statusCode).toBe(200);
    expect((await client.organizations.get('rk-stacks')).body.options).toEqual({ protect_dynamic_stack: false });
  });
});
