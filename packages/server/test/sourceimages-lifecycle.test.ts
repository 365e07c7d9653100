import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, jpeg, png, sha1, startServer, type TestServer, upload } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
});
afterAll(() => server.close());

describe('source image lifecycle over HTTP', () => {
  it('uploads, gets, downloads, deletes and restores an image', async () => {
    const bytes = await jpeg(1, 40, 30);
    const created = await upload(server, 'acme', [{ name: 'red.jpg', bytes }]);
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.json.total).toBe(1);
    const image = created.json.items[0];
    expect(image).toMatchObject({
      binary_hash: sha1(bytes),
      hash: sha1(sha1(bytes) + 'a:0:{}'),
      organization: 'acme',
      name: 'red.jpg',
      format: 'jpg',
      mimetype: 'image/jpeg',
      size: bytes.length,
      width: 40,
      height: 30,
      opaque: true,
      animated: false,
      protected: false,
      locked: false,
      deleted: false,
    });
    expect(image.short_hash).toBe(image.hash.slice(0, 6));
    expect(image.link).toBe(`/sourceimages/acme/${image.hash}`);
    expect(image.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

    const byShort = await api(server, 'GET', `/sourceimages/acme/${image.short_hash}`);
    expect(byShort.status).toBe(200);
    expect(byShort.json.hash).toBe(image.hash);

    const download = await fetch(`${server.url}/sourceimages/acme/${image.hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(download.headers.get('content-length')).toBe(String(bytes.length));
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="red.jpg"');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    expect((await api(server, 'DELETE', `/sourceimages/acme/${image.hash}`)).status).toBe(204);
    expect((await api(server, 'GET', `/sourceimages/acme/${image.hash}`)).status).toBe(404);
    const deleted = await api(server, 'GET', `/sourceimages/acme/${image.hash}?deleted=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.deleted).toBe(true);
    expect(deleted.json.deleted_date).toMatch(/\+00:00$/);

    const restored = await api(server, 'POST', `/sourceimages/acme/${image.hash}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json.deleted).toBe(false);
    expect((await api(server, 'GET', `/sourceimages/acme/${image.hash}`)).status).toBe(200);
  });

  it('de-duplicates the same bytes and keeps name and created', async () => {
    const bytes = await png(7);
    const first = await upload(server, 'acme', [{ name: 'first.png', bytes }]);
    const second = await upload(server, 'acme', [{ name: 'second.png', bytes }]);
    expect(second.json.items[0].hash).toBe(first.json.items[0].hash);
    expect(second.json.items[0].name).toBe('first.png');
    expect(second.json.items[0].created).toBe(first.json.items[0].created);
  });
});
