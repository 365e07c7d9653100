// GET/HEAD /sourceimages/{org}/{hash}/download: ETag, conditional requests,
// byte ranges and the Content-Disposition file name.

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageHash } from '../src/images/hash.ts';
import { newImageRecord } from './fixtures.ts';
import { api, createOrg, ROOT_KEY, sha1, startServer, type TestServer, upload } from './helpers.ts';

let server: TestServer;
let bytes: Buffer;
let hash: string;
let binaryHash: string;
let url: string;

beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  // Noise does not compress: a JPEG of a few hundred KB.
  const width = 400;
  const height = 300;
  bytes = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
  const created = await upload(server, 'acme', [{ name: 'noise.jpg', bytes }]);
  if (created.status !== 200) throw new Error(created.text);
  hash = created.json.items[0].hash;
  binaryHash = created.json.items[0].binary_hash;
  url = `${server.url}/sourceimages/acme/${hash}/download`;
});
afterAll(() => server.close());

function get(headers: Record<string, string> = {}, method = 'GET') {
  return fetch(url, { method, headers: { 'api-key': ROOT_KEY, ...headers } });
}

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe('download', () => {
  it('sends the whole file with its ETag, and its sha1 is the binary hash', async () => {
    expect(bytes.length).toBeGreaterThan(100_000);
    const res = await get();
    expect(res.status).toBe(200);
    const got = await body(res);
    expect(got.length).toBe(bytes.length);
    expect(sha1(got)).toBe(binaryHash);
    expect(binaryHash).toBe(sha1(bytes));
    expect(res.headers.get('etag')).toBe(`"${binaryHash}"`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="noise.jpg"');
  });

  it('answers 304 without a body to a matching If-None-Match', async () => {
    for (const tag of [`"${binaryHash}"`, `W/"${binaryHash}"`, `"nope", "${binaryHash}"`, '*']) {
      const res = await get({ 'if-none-match': tag });
      expect(res.status, tag).toBe(304);
      expect((await body(res)).length).toBe(0);
      expect(res.headers.get('etag')).toBe(`"${binaryHash}"`);
    }
    const miss = await get({ 'if-none-match': `"${'0'.repeat(40)}"` });
    expect(miss.status).toBe(200);
    expect((await body(miss)).length).toBe(bytes.length);
  });

  it('answers HEAD with the headers and Content-Length but no body', async () => {
    const res = await get({}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('etag')).toBe(`"${binaryHash}"`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect((await body(res)).length).toBe(0);
    const ranged = await get({ range: 'bytes=0-9' }, 'HEAD');
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-length')).toBe('10');
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
  });

  it('answers bytes=0-9 with 206 and exactly those bytes', async () => {
    const res = await get({ range: 'bytes=0-9' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
    expect(res.headers.get('content-length')).toBe('10');
    expect((await body(res)).equals(bytes.subarray(0, 10))).toBe(true);
  });

  it('answers a suffix range bytes=-5 with the last five bytes', async () => {
    const res = await get({ range: 'bytes=-5' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`);
    const got = await body(res);
    expect(got.equals(bytes.subarray(bytes.length - 5))).toBe(true);
    expect(got.subarray(3).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
  });

  it('answers an open range bytes=5- with everything from byte 5', async () => {
    const res = await get({ range: 'bytes=5-' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 5-${bytes.length - 1}/${bytes.length}`);
    expect(res.headers.get('content-length')).toBe(String(bytes.length - 5));
    expect((await body(res)).equals(bytes.subarray(5))).toBe(true);
  });

  it('clamps a range end past the file to its last byte', async () => {
    const res = await get({ range: `bytes=${bytes.length - 3}-${bytes.length + 100}` });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${bytes.length - 3}-${bytes.length - 1}/${bytes.length}`);
    expect((await body(res)).equals(bytes.subarray(bytes.length - 3))).toBe(true);
  });

  it('answers a range past the end with 416 and Content-Range bytes */size', async () => {
    for (const range of [`bytes=${bytes.length}-`, `bytes=${bytes.length + 10}-${bytes.length + 20}`, 'bytes=-0']) {
      const res = await get({ range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      expect(res.headers.get('content-type')).toBe('application/json');
      const json = await res.json();
      expect(json).toMatchObject({
        error: { code: 416, origo_code: 'ORIGO_ERR_REQUEST_RANGE_NOT_SATISFIABLE' },
        code: 416,
      });
      expect(json.message).toContain(String(bytes.length));
    }
  });

  it('sends the whole file with 200 for a multi-range request', async () => {
    const res = await get({ range: 'bytes=0-1,5-6' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBeNull();
    expect((await body(res)).equals(bytes)).toBe(true);
  });

  it('ignores the range when If-Range names another version', async () => {
    const stale = await get({ range: 'bytes=0-9', 'if-range': `"${'1'.repeat(40)}"` });
    expect(stale.status).toBe(200);
    expect((await body(stale)).length).toBe(bytes.length);
    const fresh = await get({ range: 'bytes=0-9', 'if-range': `"${binaryHash}"` });
    expect(fresh.status).toBe(206);
    expect((await body(fresh)).length).toBe(10);
  });

  it('names a file with a quote and a non-ASCII character as filename*=UTF-8 and a plain filename last', async () => {
    const name = 'it\'s "über".jpg';
    const renamed = await api(server, 'PUT', `/sourceimages/acme/${hash}/name`, { body: JSON.stringify(name) });
    expect(renamed.status, renamed.text).toBe(204);
    const res = await get({}, 'HEAD');
    const disposition = res.headers.get('content-disposition');
    expect(disposition).toBe(`attachment; filename*=UTF-8''it%27s%20%22%C3%BCber%22.jpg; filename="it's __ber_.jpg"`);
    expect(disposition).toMatch(/; filename="[^"]*"$/);
    const encoded = /filename\*=UTF-8''([^;]+);/.exec(disposition ?? '')![1]!;
    expect(decodeURIComponent(encoded)).toBe(name);
    // Back to a plain name: a plain header again.
    await api(server, 'PUT', `/sourceimages/acme/${hash}/name`, { body: '"noise.jpg"' });
    expect((await get({}, 'HEAD')).headers.get('content-disposition')).toBe('attachment; filename="noise.jpg"');
  });

  it('answers 404 JSON for the download of an unknown or deleted image', async () => {
    const missing = await fetch(`${server.url}/sourceimages/acme/${'ab'.repeat(20)}/download`, {
      headers: { 'api-key': ROOT_KEY },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect((await missing.json()).error.origo_code).toBe('ORIGO_ERR_IMAGE_NOT_FOUND');

    const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const created = await upload(server, 'acme', [{ name: 'short-lived.png', bytes: small }]);
    const deletedHash = created.json.items[0].hash;
    expect((await api(server, 'DELETE', `/sourceimages/acme/${deletedHash}`)).status).toBe(204);
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(`${server.url}/sourceimages/acme/${deletedHash}/download`, {
        method,
        headers: { 'api-key': ROOT_KEY },
      });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
    }
  });
});

describe('shutdown during a download', () => {
  it('finishes a download under way, then closes its kept-alive connection at once', async () => {
    const other = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    try {
      await createOrg(other, 'acme');
      const org = (await other.storage.catalog.findOrganization('acme'))!;
      // Larger than what socket buffers hold, so the response stays under way while the client does not read.
      const big = Buffer.alloc(32 * 1024 * 1024, 7);
      const binary = sha1(big);
      const key = `${binary}-${createHash('sha256').update(big).digest('hex')}`;
      const temp = path.join(other.storage.stagingDir, 'big.tmp');
      writeFileSync(temp, big);
      await other.storage.blobs.put(key, { path: temp, size: big.length });
      const hashOfBig = imageHash(binary);
      await other.storage.catalog.saveUploadedImages(
        org.id,
        [
          newImageRecord(hashOfBig, {
            binaryHash: binary,
            blobKey: key,
            name: 'big.png',
            format: 'png',
            mimetype: 'image/png',
            size: big.length,
            width: 4000,
            height: 2800,
          }),
        ],
        new Date(),
        (existing) => ({ metadata: existing, rows: [] }),
      );

      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http
          .get(
            `${other.url}/sourceimages/acme/${hashOfBig}/download`,
            { agent, headers: { 'api-key': ROOT_KEY } },
            resolve,
          )
          .on('error', reject);
      });
      expect(res.statusCode).toBe(200);
      res.pause();
      let closed = false;
      const closing = other.app.close().then(() => {
        closed = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(closed).toBe(false); // the download is still being sent

      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      res.resume();
      await once(res, 'end');
      expect(received).toBe(big.length);
      // Not the keep-alive timeout (72 s): the connection is closed once the response is done.
      await Promise.race([closing, new Promise((r) => setTimeout(r, 5000))]);
      expect(closed).toBe(true);
    } finally {
      agent.destroy();
      await other.close();
    }
  });
});
