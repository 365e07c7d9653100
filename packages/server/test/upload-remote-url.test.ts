import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, form, jpeg, png, startServer, type TestServer } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';

let remote: http.Server;
let remoteUrl: string;
let picture: Buffer;

beforeAll(async () => {
  picture = await png(42, 20, 10);
  remote = http.createServer((req, res) => {
    if (req.url === '/images/cat%20photo.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(picture);
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/images/cat%20photo.png' }).end();
    } else {
      res.writeHead(404).end('nope');
    }
  });
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => remote.close(() => r())));

describe('url[i] uploads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_ALLOW_PRIVATE_URLS: 'true' });
    await createOrg(server);
  });
  afterAll(() => server.close());

  it('fetches the URL and stores the exact bytes under the name from the path', async () => {
    const res = await api(server, 'POST', '/sourceimages/acme', { body: form([], { 'url[0]': `${remoteUrl}/moved` }) });
    expect(res.status).toBe(200);
    expect(res.json.items[0]).toMatchObject({
      name: 'cat photo.png',
      format: 'png',
      width: 20,
      height: 10,
      binary_hash: createHash('sha1').update(picture).digest('hex'),
    });
    const dl = await fetch(`${server.url}/sourceimages/acme/${res.json.items[0].hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(Buffer.from(await dl.arrayBuffer()).equals(picture)).toBe(true);
  });

  it('numbers URLs after the files and keeps index order', async () => {
    const file = await jpeg(77);
    const res = await api(server, 'POST', '/sourceimages/acme', {
      body: form([{ name: 'first.jpg', bytes: file }], { 'url[1]': `${remoteUrl}/images/cat%20photo.png` }),
    });
    expect(res.status).toBe(200);
    expect(res.json.items.map((i: { name: string }) => i.name)).toEqual(['first.jpg', 'cat photo.png']);
  });

  it('answers 400 naming the URL when the remote answers 404, and stores nothing of the request', async () => {
    const before = await imageCount(server);
    const blobsBefore = (await blobFiles(server)).blobs.length;
    const res = await api(server, 'POST', '/sourceimages/acme', {
      body: form([{ name: 'ok.jpg', bytes: await jpeg(78) }], { 'url[1]': `${remoteUrl}/missing.png` }),
    });
    expect(res.status).toBe(400);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_REMOTE_FETCH_FAILED');
    expect(res.json.message).toContain('/missing.png');
    expect(res.json.message).toContain('404');
    expect(await imageCount(server)).toBe(before);
    expect(await blobFiles(server)).toEqual({ blobs: expect.any(Array), temp: [] });
    expect((await blobFiles(server)).blobs.length).toBe(blobsBefore);
  });
});

describe('url[i] uploads by default', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await createOrg(server);
  });
  afterAll(() => server.close());

  it.each([
    'http://127.0.0.1:1/x.png',
    'http://localhost:1/x.png',
    'http://[::1]:1/x.png',
    'http://10.0.0.1/x.png',
    'http://169.254.169.254/latest/meta-data',
  ])('refuses the private or loopback address %s', async (url) => {
    const res = await api(server, 'POST', '/sourceimages/acme', { body: form([], { 'url[0]': url }) });
    expect(res.status).toBe(400);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_REMOTE_FORBIDDEN_ADDRESS');
    expect(await imageCount(server)).toBe(0);
  });

  it('refuses schemes other than http and https', async () => {
    const res = await api(server, 'POST', '/sourceimages/acme', { body: form([], { 'url[0]': 'file:///etc/passwd' }) });
    expect(res.status).toBe(400);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_REMOTE_BAD_URL');
  });
});
