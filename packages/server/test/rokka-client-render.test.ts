// The official rokka JavaScript client drives stacks and render URLs against
// origo unchanged: it builds the URLs (renderHost with {organization}), signs
// them with the key origo hands out, and reads the operations catalogue.

import { Rokka } from 'rokka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, ROOT_KEY, startServer, type TestServer } from './helpers.ts';
import { decode, quartersPng, uploaded } from './render-api.ts';

let server: TestServer;
let client: Rokka;
let hash: string;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  hash = await uploaded(server, 'acme', await quartersPng(200, 100));
  client = new Rokka({
    apiKey: ROOT_KEY,
    apiHost: server.url,
    renderHost: `${server.url}/render/{organization}`,
    transport: { retries: 0 },
  });
});
afterAll(() => server.close());

async function fetchImage(url: string) {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return decode(Buffer.from(await res.arrayBuffer()));
}

describe('the rokka npm client renders through origo', () => {
  it('creates, reads, lists, renders through and deletes a stack', async () => {
    const created = await client.stacks.create('acme', 'rk-thumb', {
      operations: [{ name: 'resize', options: { width: 50, height: 50 } }],
      options: { 'jpg.quality': 70 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body.name).toBe('rk-thumb');
    expect(created.body.stack_operations).toEqual([{ name: 'resize', options: { width: 50, height: 50 } }]);

    const got = await client.stacks.get('acme', 'rk-thumb');
    expect(got.body.stack_options).toMatchObject({ 'jpg.quality': 70 });
    const list = await client.stacks.list('acme');
    expect(list.body.items.map((s: { name: string }) => s.name)).toContain('rk-thumb');

    const url = client.render.getUrl('acme', hash, 'jpg', 'rk-thumb');
    expect(url).toBe(`${server.url}/render/acme/rk-thumb/${hash}.jpg`);
    const image = await fetchImage(url);
    expect([image.format, image.width, image.height]).toEqual(['jpeg', 50, 25]);

    await expect(client.stacks.create('acme', 'rk-thumb', [{ name: 'grayscale' }])).rejects.toMatchObject({
      statusCode: 409,
    });
    const cache = await client.stacks.invalidateCache('acme', 'rk-thumb');
    expect(cache.statusCode).toBe(200);
    const deleted = await client.stacks.delete('acme', 'rk-thumb');
    expect(deleted.statusCode).toBe(204);
    await expect(client.stacks.get('acme', 'rk-thumb')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('builds dynamic URLs with operations, stack options and variables that origo renders', async () => {
    const url = client.render.getUrl(
      'acme',
      hash,
      'png',
      [
        { name: 'resize', options: { width: 80 } },
        { name: 'blur', options: { sigma: 0 } },
      ],
      { stackoptions: { dpr: 2 }, filename: 'seo-name' },
    );
    expect(url).toContain('/render/acme/dynamic/resize-width-80--blur-sigma-__undefined__/o-dpr-2/');
    const image = await fetchImage(url);
    expect([image.width, image.height]).toEqual([160, 80]);

    const empty = client.render.getUrl('acme', hash, 'png', []);
    expect(empty).toBe(`${server.url}/render/acme/dynamic//${hash}.png`);
    expect((await fetchImage(empty)).width).toBe(200);
  });

  it('signs URLs with the organization key so protected dynamic renders work', async () => {
    const org = await client.organizations.get('acme');
    const key: string = org.body.signing_keys[0].key;
    const url = client.render.getUrl('acme', hash, 'png', [{ name: 'resize', options: { width: 30 } }]);
    await client.request('organizations/acme/options/protect_dynamic_stack', 'PUT', true);
    try {
      expect((await fetch(url)).status).toBe(403);
      const signed = client.render.signUrl(url, key);
      expect((await fetchImage(signed)).width).toBe(30);
      const until = client.render.signUrl(url, key, { until: new Date(Date.now() + 600_000) });
      expect((await fetchImage(until)).width).toBe(30);
      const serverSigned = await client.utils.signUrl('acme', url);
      expect((await fetchImage(serverSigned.body.signed_url)).width).toBe(30);
    } finally {
      await client.request('organizations/acme/options/protect_dynamic_stack', 'PUT', false);
    }
  });

  it('reads the operations and stack options catalogues', async () => {
    const operations = await client.operations.list();
    expect(Object.keys(operations.body)).toEqual(expect.arrayContaining(['resize', 'crop', 'rotate', 'blur']));
    const options = await client.stackoptions.get();
    expect(options.statusCode).toBe(200);
    expect(JSON.stringify(options.body)).toContain('autoformat');
  });
});
