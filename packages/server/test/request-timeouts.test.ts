// Clients that stop sending or stop reading lose their connection after the
// configured deadline, with rokka's error JSON where an answer can still be
// given, and leave nothing behind: no temp file, no row, no blob, no open file.

import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { oneFileBody } from './fixtures.ts';
import { api, createOrg, jpeg, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { connect, openFilesUnder, parseResponse, type RawConnection, until } from './raw-http.ts';
import { blobFiles, stagedFiles } from './stored-blobs.ts';

const IDLE_MS = 1000;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    ORIGO_BODY_IDLE_TIMEOUT_SECONDS: '1',
    ORIGO_HEADERS_TIMEOUT_SECONDS: '1',
    ORIGO_SEND_IDLE_TIMEOUT_SECONDS: '1',
  });
  await createOrg(server, 'acme');
});
afterAll(() => server.close());

// Tests share the server; each compares against what was stored before it
// (images others left), not against an empty store.
let before: { blobs: string[]; images: number };
beforeEach(async () => {
  before = { blobs: (await blobFiles(server)).blobs, images: await imageCount(server, 'acme') };
});

/** Nothing was kept: no new blob, no temp file, no new row. */
async function expectNothingKept(): Promise<void> {
  expect(await blobFiles(server)).toEqual({ blobs: before.blobs, temp: [] });
  expect(await imageCount(server, 'acme')).toBe(before.images);
}

const BOUNDARY = 'TimeoutBoundary42';

/** A PNG larger than what the loopback socket buffers can hold, stored once for the download tests. */
let big: Promise<{ hash: string; bytes: Buffer }> | undefined;
function bigImage(): Promise<{ hash: string; bytes: Buffer }> {
  big ??= (async () => {
    const width = 4000;
    const height = 3000;
    const pixels = Buffer.alloc(width * height * 3, 77);
    const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const created = await upload(server, 'acme', [{ name: 'big.png', bytes }]);
    if (created.status !== 200) throw new Error(created.text);
    return { hash: created.json.items[0].hash as string, bytes };
  })();
  return big;
}

function head(method: string, target: string, headers: Record<string, string | number>): string {
  const { host } = new URL(server.url);
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, `Api-Key: ${ROOT_KEY}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function expectTimeoutAnswer(bytes: Buffer, setting: string): void {
  const res = parseResponse(bytes);
  expect(res.status, bytes.toString('latin1')).toBe(408);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['connection']).toBe('close');
  expect(res.json).toMatchObject({ code: 408, error: { code: 408, origo_code: 'ORIGO_ERR_REQUEST_TIMEOUT' } });
  expect(res.json.message).toBe(res.json.error.message);
  expect(res.json.message).toContain(setting);
  expect(res.json.message).toContain('1 s');
}

/** How long after `since` the server closed the connection. */
function closedAfter(conn: RawConnection, since: number): number {
  const at = conn.closedAt();
  if (at === undefined) throw new Error('the connection is still open');
  return at - since;
}

describe('a body that stops arriving', () => {
  it('multipart upload: 408 within the idle timeout, the staged temp file removed, no row, no blob', async () => {
    const bytes = await jpeg(1, 400, 300);
    const body = oneFileBody(BOUNDARY, 'stalled.jpg', bytes);
    const conn = await connect(server.url);
    await conn.write(
      head('POST', '/sourceimages/acme', {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': body.length,
      }),
    );
    await conn.write(body.subarray(0, 400));
    const stalledAt = Date.now();
    // The server is inside the upload, staging the file, when the client goes quiet.
    await until(() => stagedFiles(server).length > 0, 'a staged temp file to appear');

    const answer = await conn.closed();
    expectTimeoutAnswer(answer, 'ORIGO_BODY_IDLE_TIMEOUT_SECONDS');
    const waited = closedAfter(conn, stalledAt);
    expect(waited).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(waited).toBeLessThan(IDLE_MS + 4000);
    // Removed before the answer went out, not later.
    await expectNothingKept();
  });

  it('multipart upload that stalls before the first part: 408, nothing kept', async () => {
    const body = oneFileBody(BOUNDARY, 'never.jpg', await jpeg(2));
    const conn = await connect(server.url);
    await conn.write(
      head('POST', '/sourceimages/acme', {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': body.length,
      }),
    );
    await conn.write(body.subarray(0, 10));
    expectTimeoutAnswer(await conn.closed(), 'ORIGO_BODY_IDLE_TIMEOUT_SECONDS');
    await expectNothingKept();
  });

  it('JSON PATCH body: 408, the metadata unchanged', async () => {
    const created = await upload(server, 'acme', [{ name: 'meta.jpg', bytes: await jpeg(3) }], {
      'meta_user[0]': JSON.stringify({ keep: 'me' }),
    });
    expect(created.status, created.text).toBe(200);
    const hash: string = created.json.items[0].hash;
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}/meta/user`)).json).toEqual({ keep: 'me' });

    const conn = await connect(server.url);
    await conn.write(
      head('PATCH', `/sourceimages/acme/${hash}/meta/user`, {
        'Content-Type': 'application/json',
        'Content-Length': 1000,
      }),
    );
    await conn.write('{"keep":"x');
    const stalledAt = Date.now();
    const answer = await conn.closed();
    expectTimeoutAnswer(answer, 'ORIGO_BODY_IDLE_TIMEOUT_SECONDS');
    expect(closedAfter(conn, stalledAt)).toBeGreaterThanOrEqual(IDLE_MS - 50);

    const meta = await api(server, 'GET', `/sourceimages/acme/${hash}/meta/user`);
    expect(meta.json).toEqual({ keep: 'me' });
    await api(server, 'DELETE', `/sourceimages/acme/${hash}`);
  });

  it('an upload that sends slowly but steadily (a chunk every 0.1 s, 1 s idle timeout) is stored', async () => {
    const bytes = await jpeg(4, 300, 200);
    const body = oneFileBody(BOUNDARY, 'slow.jpg', bytes);
    const conn = await connect(server.url);
    await conn.write(
      head('POST', '/sourceimages/acme', {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': body.length,
        Connection: 'close',
      }),
    );
    const pieces = 30;
    const size = Math.ceil(body.length / pieces);
    const started = Date.now();
    for (let i = 0; i < pieces; i++) {
      // Pacing of a slow client, not a wait for the server; far below the
      // idle timeout, so a stall of this process (GC, a busy CPU) between
      // two pieces does not look like a silent client.
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      await conn.write(body.subarray(i * size, (i + 1) * size));
    }
    // The whole body took well over the idle timeout.
    expect(Date.now() - started).toBeGreaterThan(2 * IDLE_MS);
    const res = parseResponse(await conn.closed());
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.json.items[0].name).toBe('slow.jpg');
    expect(res.json.items[0].size).toBe(bytes.length);
    expect(stagedFiles(server)).toEqual([]);
    await api(server, 'DELETE', `/sourceimages/acme/${res.json.items[0].hash}`);
  });
});

describe('headers that stop arriving', () => {
  it('a connection that sends nothing at all gets 408 and is disconnected', async () => {
    const silent = await connect(server.url);
    const openedAt = Date.now();
    expectTimeoutAnswer(await silent.closed(), 'ORIGO_HEADERS_TIMEOUT_SECONDS');
    expect(closedAfter(silent, openedAt)).toBeLessThan(IDLE_MS + 4000);
  });

  it('a slow header sender gets 408 and is disconnected; an idle kept-alive connection is not', async () => {
    // A connection that finished a request and then sits idle (Node's keep-alive timeout is its limit).
    const idle = await connect(server.url);
    await idle.write(head('GET', '/sourceimages/acme', {}));
    await until(() => idle.socket.bytesRead > 0, 'the first answer on the kept-alive connection');

    const slow = await connect(server.url);
    await slow.write(
      `GET /sourceimages/acme HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nApi-Key: ${ROOT_KEY}\r\n`,
    );
    const stalledAt = Date.now();
    const answer = await slow.closed();
    expectTimeoutAnswer(answer, 'ORIGO_HEADERS_TIMEOUT_SECONDS');
    const waited = closedAfter(slow, stalledAt);
    expect(waited).toBeGreaterThanOrEqual(IDLE_MS - 50);
    // The deadline is checked every 250 ms here (a quarter of it).
    expect(waited).toBeLessThan(IDLE_MS + 4000);

    // The idle connection has been quiet longer than the headers timeout, and the same check saw it.
    expect(idle.closedAt()).toBeUndefined();
    const before = idle.socket.bytesRead;
    await idle.write(head('GET', '/sourceimages/acme', { Connection: 'close' }));
    const second = parseResponse((await idle.closed()).subarray(before));
    expect(second.status).toBe(200);
  });
});

describe('requests Node cannot take in', () => {
  it('bytes that are not HTTP get 400 ORIGO_ERR_REQUEST_MALFORMED as rokka JSON, then the connection closes', async () => {
    const conn = await connect(server.url);
    await conn.write('HELLO THERE\r\n\r\n');
    const res = parseResponse(await conn.closed());
    expect(res.status).toBe(400);
    expect(res.headers['connection']).toBe('close');
    expect(res.json).toEqual({
      error: {
        code: 400,
        message: 'The request is not well-formed HTTP/1.1; the connection is closed',
        origo_code: 'ORIGO_ERR_REQUEST_MALFORMED',
      },
      code: 400,
      message: 'The request is not well-formed HTTP/1.1; the connection is closed',
    });
  });

  it('headers over 16 KiB get 431 ORIGO_ERR_REQUEST_HEADERS_TOO_LARGE as rokka JSON', async () => {
    const conn = await connect(server.url);
    await conn.write(head('GET', '/sourceimages/acme', { 'X-Padding': 'p'.repeat(20_000) }));
    const res = parseResponse(await conn.closed());
    expect(res.status).toBe(431);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_REQUEST_HEADERS_TOO_LARGE');
    expect(res.json.message).toContain('16 KiB');
  });
});

/**
 * The blob reads the server holds open: files under blobs/ as the kernel
 * lists them or, for S3 (no file to see), the streams its store's reads
 * opened, counted on the store itself until stop().
 */
function watchOpenBlobs(): { count(): number; stop(): void } {
  if (server.s3Prefix === undefined) {
    const blobDir = path.join(server.dataDir, 'blobs');
    return { count: () => openFilesUnder(blobDir).length, stop: () => undefined };
  }
  const store = server.storage.blobs;
  const get = store.get;
  let open = 0;
  store.get = async (...args) => {
    const read = await get.apply(store, args);
    open++;
    read.stream.once('close', () => open--);
    return read;
  };
  return {
    count: () => open,
    stop: () => {
      store.get = get;
    },
  };
}

describe('a client that reads nothing of a download', () => {
  it('is disconnected after the send idle timeout and the blob file is closed', async () => {
    // Larger than what the loopback socket buffers can hold, so the server has to wait for the client.
    const { hash, bytes } = await bigImage();
    const openBlobs = watchOpenBlobs();

    const conn = await connect(server.url, { read: false });
    // Before the request: the idle timer starts later, so this cannot overstate the wait.
    const requestedAt = Date.now();
    await conn.write(head('GET', `/sourceimages/acme/${hash}/download`, {}));
    try {
      await until(() => openBlobs.count() > 0, 'the server to open the blob');
      await until(() => openBlobs.count() === 0, 'the server to close the blob');
    } finally {
      openBlobs.stop();
    }
    expect(Date.now() - requestedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);

    // What the client gets when it finally reads: the start of the answer, then the end of the connection.
    const received = parseResponse(await conn.closed());
    expect(received.status).toBe(200);
    expect(Number(received.headers['content-length'])).toBe(bytes.length);
    expect(received.body.length).toBeLessThan(bytes.length);
    expect(received.body.equals(bytes.subarray(0, received.body.length))).toBe(true);

    // The server keeps serving the same download to a client that reads.
    const whole = await fetch(`${server.url}/sourceimages/acme/${hash}/download`, { headers: { 'api-key': ROOT_KEY } });
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('bytes that are not HTTP behind a request on the same connection', () => {
  it('while a download is going out: the connection is cut, no error answer lands inside the body', async () => {
    const { hash, bytes } = await bigImage();
    const conn = await connect(server.url, { read: false });
    await conn.write(head('GET', `/sourceimages/acme/${hash}/download`, {}));
    // The answer has begun (its head is sent) and waits for the client to read.
    await until(() => conn.socket.bytesRead > 0, 'the download to start');
    await conn.write('NOT HTTP AT ALL\r\n\r\n');

    const received = await conn.closed();
    const res = parseResponse(received);
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(bytes.length);
    expect(received.includes('HTTP/1.1 400')).toBe(false);
    // Only bytes of the image, cut short.
    expect(res.body.length).toBeLessThan(bytes.length);
    expect(res.body.equals(bytes.subarray(0, res.body.length))).toBe(true);

    // The server goes on serving.
    const whole = await fetch(`${server.url}/sourceimages/acme/${hash}/download`, { headers: { 'api-key': ROOT_KEY } });
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
