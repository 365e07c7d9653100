// The byte and pixel limits of uploads: a file over ORIGO_MAX_UPLOAD_BYTES is
// refused with 413 while it streams in (the server stops reading early), and
// an image over ORIGO_MAX_PIXELS is refused with 413 from its header.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { createOrg, expectError, jpeg, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';

const MiB = 1024 * 1024;
const LIMIT = 1 * MiB;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Bytes of the request the socket had sent when the first byte of the response arrived. */
  bytesAtResponse: number;
  /** Bytes of the request the socket had sent when the connection closed. */
  bytesAtClose: number;
}

/**
 * POSTs a multipart upload of `fileBytes` zero bytes over a raw socket, with
 * a correct Content-Length, writing with backpressure. It keeps writing after
 * the response has arrived, until the whole body is sent or the server
 * closes the connection: a server that drained the refused body would take
 * all of it.
 */
function rawHugeUpload(url: string, pathname: string, fileBytes: number): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const boundary = 'LimitBoundary7f3a';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="filedata"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    'latin1',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  const contentLength = head.length + fileBytes + tail.length;
  const requestHead =
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nApi-Key: ${ROOT_KEY}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${contentLength}\r\n\r\n`;

  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    let responded = false;
    let bytesAtResponse = -1;
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024);

    const pump = () => {
      while (!socket.destroyed && sent < fileBytes) {
        const n = Math.min(chunk.length, fileBytes - sent);
        sent += n;
        const ok = socket.write(n === chunk.length ? chunk : chunk.subarray(0, n));
        if (sent >= fileBytes) socket.write(tail);
        if (!ok) {
          socket.once('drain', pump);
          return;
        }
      }
    };

    socket.on('connect', () => {
      socket.write(requestHead);
      socket.write(head);
      pump();
    });
    socket.on('data', (data) => {
      if (!responded) {
        responded = true;
        bytesAtResponse = socket.bytesWritten;
      }
      received.push(data);
    });
    // Writing into a socket the server has closed may fail: that is the server refusing to read on.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    socket.on('close', () => {
      const all = Buffer.concat(received);
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) {
        reject(new Error(`no HTTP response received (wrote ${socket.bytesWritten} bytes)`));
        return;
      }
      const [statusLine, ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(statusLine!.split(' ')[1]),
        headers,
        body: all.subarray(end + 4),
        bytesAtResponse: bytesAtResponse === -1 ? socket.bytesWritten : bytesAtResponse,
        bytesAtClose: socket.bytesWritten,
      });
    });
  });
}

describe('byte limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_MAX_UPLOAD_BYTES: String(LIMIT) });
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  it('refuses a 64 MiB upload with 413 long before reading all of it, and keeps nothing', async () => {
    const total = 64 * MiB;
    const res = await rawHugeUpload(server.url, '/sourceimages/acme', total);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['connection']).toBe('close');
    const json = JSON.parse(res.body.subarray(0, Number(res.headers['content-length'])).toString('utf8'));
    expect(json).toMatchObject({ error: { code: 413, origo_code: 'ORIGO_ERR_UPLOAD_TOO_LARGE' }, code: 413 });
    expect(json.message).toContain('"huge.jpg"');
    expect(json.message).toContain(`limit of ${LIMIT} bytes`);
    // The answer came while most of the body was still unsent, and the server
    // then closed the connection instead of draining the remaining 60-odd MiB.
    // Loopback socket buffers hold a few MiB at most.
    expect(res.bytesAtResponse).toBeGreaterThan(LIMIT);
    expect(res.bytesAtResponse).toBeLessThan(16 * MiB);
    expect(res.bytesAtClose).toBeLessThan(16 * MiB);

    expect(await imageCount(server, 'acme')).toBe(0);
    expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
  });

  it('still answers the next request normally', async () => {
    const res = await upload(server, 'acme', [{ name: 'small.jpg', bytes: await jpeg(1) }]);
    expect(res.status, res.text).toBe(200);
    expect(await imageCount(server, 'acme')).toBe(1);
    expect((await blobFiles(server)).blobs).toHaveLength(1);
  });
});

describe('exact byte limit', () => {
  let server: TestServer;
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await jpeg(5, 64, 48);
    server = await startServer({ ORIGO_MAX_UPLOAD_BYTES: String(bytes.length) });
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  it('refuses a file one byte over the limit with 413 and keeps nothing', async () => {
    const res = await upload(server, 'acme', [{ name: 'over.jpg', bytes: Buffer.concat([bytes, Buffer.from([0])]) }]);
    expectError(res, 413, 'ORIGO_ERR_UPLOAD_TOO_LARGE', '"over.jpg"', `limit of ${bytes.length} bytes`);
    expect(await imageCount(server, 'acme')).toBe(0);
    expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
  });

  it('takes a file of exactly the limit', async () => {
    const res = await upload(server, 'acme', [{ name: 'exact.jpg', bytes }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0].size).toBe(bytes.length);
    expect(await blobFiles(server)).toEqual({
      blobs: [expect.stringMatching(/^[0-9a-f]{40}-[0-9a-f]{64}$/)],
      temp: [],
    });
  });
});

describe('pixel limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_MAX_PIXELS: '1000' });
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  it('refuses an ordinary image over ORIGO_MAX_PIXELS with 413 and keeps nothing', async () => {
    const res = await upload(server, 'acme', [{ name: 'photo.jpg', bytes: await jpeg(2, 40, 30) }]);
    expectError(
      res,
      413,
      'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
      'File "photo.jpg" is 40 x 30 pixels',
      '1,200 pixels',
      'limit is 1,000 pixels',
    );
    expect(await imageCount(server, 'acme')).toBe(0);
    expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
  });

  it('takes an image at the pixel limit', async () => {
    const res = await upload(server, 'acme', [{ name: 'fits.jpg', bytes: await jpeg(3, 40, 25) }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({ width: 40, height: 25 });
  });
});

describe('files per request', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_MAX_FILES_PER_REQUEST: '3' });
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  it('refuses a fourth file with 413 and keeps none of them', async () => {
    const files = await Promise.all(
      [10, 11, 12, 13].map(async (seed) => ({ name: `f${seed}.jpg`, bytes: await jpeg(seed) })),
    );
    const res = await upload(server, 'acme', files);
    expectError(res, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_FILES', 'At most 3 files');
    expect(await imageCount(server, 'acme')).toBe(0);
    expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
  });

  it('takes exactly the limit of files, in the order sent', async () => {
    const files = await Promise.all(
      [60, 120, 180].map(async (seed) => ({ name: `g${seed}.jpg`, bytes: await jpeg(seed) })),
    );
    const res = await upload(server, 'acme', files);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items.map((i: { name: string }) => i.name)).toEqual(['g60.jpg', 'g120.jpg', 'g180.jpg']);
    expect(await blobFiles(server)).toMatchObject({ temp: [] });
    expect((await blobFiles(server)).blobs).toHaveLength(3);
  });
});
