// The official rokka JavaScript client, pointed at origo, drives the
// foundation endpoints unchanged.

import { createHash } from 'node:crypto';
import { Rokka } from 'rokka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, jpeg, ROOT_KEY, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
let client: Rokka;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  client = new Rokka({ apiKey: ROOT_KEY, apiHost: server.url, transport: { retries: 0 } });
});
afterAll(() => server.close());

describe('the rokka npm client against origo', () => {
  it('creates, gets, lists, downloads, deletes and restores', async () => {
    const bytes = await jpeg(9, 50, 40);
    const created = await client.sourceimages.create('acme', 'client.jpg', bytes, { meta_user: { foo: 'bar' } });
    expect(created.statusCode).toBe(200);
    const image = created.body.items[0];
    expect(image.name).toBe('client.jpg');
    expect(image.user_metadata).toEqual({ foo: 'bar' });
    expect(image.binary_hash).toBe(createHash('sha1').update(bytes).digest('hex'));

    const got = await client.sourceimages.get('acme', image.hash);
    expect(got.body.hash).toBe(image.hash);

    const byBinary = await client.sourceimages.getWithBinaryHash('acme', image.binary_hash);
    expect(byBinary.body.items.map((i: { hash: string }) => i.hash)).toEqual([image.hash]);

    const list = await client.sourceimages.list('acme', { limit: 10 });
    expect(list.body.total).toBe(1);
    expect(list.body.cursor).toEqual(expect.any(String));

    const download = await client.sourceimages.downloadAsBuffer('acme', image.hash);
    expect(Buffer.from(download.body).equals(bytes)).toBe(true);

    const locked = await client.sourceimages.setLocked('acme', image.hash, true);
    expect(locked.body.locked).toBe(true);
    await expect(client.sourceimages.delete('acme', image.hash)).rejects.toMatchObject({ statusCode: 403 });
    await client.sourceimages.setLocked('acme', image.hash, false);

    const deleted = await client.sourceimages.delete('acme', image.hash);
    expect(deleted.statusCode).toBe(204);
    await expect(client.sourceimages.get('acme', image.hash)).rejects.toMatchObject({ statusCode: 404 });
    const restored = await client.sourceimages.restore('acme', image.hash);
    expect(restored.body.deleted).toBe(false);
  });

  it('sees 403 with invalid_authentication for a wrong key', async () => {
    const wrong = new Rokka({ apiKey: 'wrong-key-wrong-key-wrong', apiHost: server.url, transport: { retries: 0 } });
    await expect(wrong.sourceimages.list('acme')).rejects.toMatchObject({
      statusCode: 403,
      body: { invalid_authentication: true },
    });
  });
});
