// Answers given before the request body is read (a wrong key, an unknown
// organization, too many failed keys, a body over a limit) reach the client
// as their status and error JSON, whether it reads while it sends (Node's
// fetch) or only once it has sent everything. The server reads and discards
// a few MiB of the refused body at most, then closes the connection, and
// keeps nothing of it.

import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { createOrg, expectError, form, ROOT_KEY, readResult, startServer, type TestServer } from './helpers.ts';
import { parseResponse, until } from './raw-http.ts';
import { requestToEnd } from './response-to-end.ts';
import { blobFiles } from './stored-blobs.ts';

const MiB = 1024 * 1024;
const BOUNDARY = 'EarlyRefusalBoundary';

/** A multipart upload of `fileBytes` bytes: its head, the file's bytes, and its tail. */
function uploadParts(fileBytes: number): { head: Buffer; file: Buffer; tail: Buffer } {
  return {
    head: Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="filedata"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      'latin1',
    ),
    file: Buffer.alloc(fileBytes, 0xab),
    tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`, 'latin1'),
  };
}

function requestHead(url: string, pathname: string, key: string, contentLength: number): string {
  const { host } = new URL(url);
  return (
    `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nApi-Key: ${key}\r\n` +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

/** A request body, read piece by piece. */
interface Body {
  length: number;
  subarray(start: number, end: number): Buffer;
}

/** `length` zero bytes, without allocating them all. */
function zeros(length: number): Body {
  const block = Buffer.alloc(64 * 1024);
  return { length, subarray: (start, end) => block.subarray(0, end - start) };
}

interface Exchange {
  /** Everything the server sent. */
  received: Buffer;
  /** Bytes of the request handed to the kernel when the connection closed. */
  sent: number;
  /** The socket error the client saw, if any (a reset once the server stops waiting). */
  error?: string;
}

/**
 * Sends `head` and then `body` over a raw socket, with
 * backpressure, until all is sent or the server closes the connection.
 * `readFirst: false` reads nothing until every byte is sent, as simple
 * clients do; else the answer is read while sending. Our side stays open
 * after the server's FIN (allowHalfOpen), so the client goes on sending as
 * long as the server takes bytes.
 */
function exchange(url: string, head: string, body: Body, options: { readFirst: boolean }): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let sent = 0;
    const onData = (data: Buffer) => {
      chunks.push(data);
    };
    if (options.readFirst) socket.on('data', onData);
    const pump = () => {
      while (!socket.destroyed && sent < body.length) {
        const n = Math.min(64 * 1024, body.length - sent);
        const ok = socket.write(body.subarray(sent, sent + n));
        sent += n;
        if (!ok) {
          socket.once('drain', pump);
          return;
        }
      }
      if (sent >= body.length && !options.readFirst) {
        // Everything is with the kernel once the last write is flushed: only now read.
        socket.write('', () => socket.on('data', onData));
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    // The server's FIN: a client that has sent everything closes its side too; one still sending goes on.
    socket.on('end', () => {
      if (sent >= body.length) socket.end();
    });
    socket.on('close', () => {
      resolve({
        received: Buffer.concat(chunks),
        sent: socket.bytesWritten,
        ...(error !== undefined && { error }),
      });
    });
  });
}

async function expectNothingStored(server: TestServer): Promise<void> {
  expect(await imageCount(server, 'acme')).toBe(0);
  expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
}

describe('early refusals', () => {
  let server: TestServer;
  /** The server's side of every connection, in order: how much it read and when it closed. */
  const serverSockets: net.Socket[] = [];
  beforeAll(async () => {
    server = await startServer({ ORIGO_MAX_UPLOAD_BYTES: String(1 * MiB) });
    server.app.server.on('connection', (socket: net.Socket) => serverSockets.push(socket));
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  const bigUpload = () => form([{ name: 'big.jpg', bytes: Buffer.alloc(3 * MiB, 0xab), type: 'image/jpeg' }]);

  it('reach Node fetch as their status and error JSON, every time', async () => {
    for (let round = 0; round < 3; round++) {
      const wrongKey = await readResult(
        await fetch(`${server.url}/sourceimages/acme`, {
          method: 'POST',
          headers: { 'api-key': `${ROOT_KEY}x` },
          body: bigUpload(),
        }),
      );
      expectError(wrongKey, 403, 'ORIGO_ERR_AUTH_INVALID_KEY', 'API key');
      expect(wrongKey.json.invalid_authentication).toBe(true);

      const unknownOrg = await readResult(
        await fetch(`${server.url}/sourceimages/nosuchorg`, {
          method: 'POST',
          headers: { 'api-key': ROOT_KEY },
          body: bigUpload(),
        }),
      );
      expectError(unknownOrg, 404, 'ORIGO_ERR_ORG_NOT_FOUND', 'nosuchorg');

      const tooLarge = await readResult(
        await fetch(`${server.url}/sourceimages/acme`, {
          method: 'POST',
          headers: { 'api-key': ROOT_KEY },
          body: bigUpload(),
        }),
      );
      expectError(tooLarge, 413, 'ORIGO_ERR_UPLOAD_TOO_LARGE', '"big.jpg"', `limit of ${MiB} bytes`);

      // Fastify refuses a JSON body from its Content-Length, before reading it.
      const jsonTooLarge = await readResult(
        await fetch(`${server.url}/organizations/bigorg`, {
          method: 'PUT',
          headers: { 'api-key': ROOT_KEY },
          body: JSON.stringify({ billing_email: 'ops@example.com', display_name: 'x'.repeat(2 * MiB) }),
        }),
      );
      expectError(jsonTooLarge, 413, 'ORIGO_ERR_REQUEST_BODY_TOO_LARGE', 'ORIGO_MAX_JSON_BYTES');
    }
    expect((await fetch(`${server.url}/organizations/bigorg`, { headers: { 'api-key': ROOT_KEY } })).status).toBe(404);
    await expectNothingStored(server);
  });

  it('reach a client that reads only once it has sent the whole body, and the connection closes without a reset', async () => {
    // Larger than the kernel's socket buffers hold, within what the server drains.
    const { head, file, tail } = uploadParts(8 * MiB - 64 * 1024);
    const body = Buffer.concat([head, file, tail]);
    const res = await exchange(
      server.url,
      requestHead(server.url, '/sourceimages/acme', 'not-the-key-at-all-0000', body.length),
      body,
      {
        readFirst: false,
      },
    );
    expect(res.error).toBeUndefined();
    expect(res.sent).toBeGreaterThan(body.length);
    const answer = parseResponse(res.received);
    expect(answer.status).toBe(403);
    expect(answer.headers['connection']).toBe('close');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json).toMatchObject({
      error: { code: 403, origo_code: 'ORIGO_ERR_AUTH_INVALID_KEY' },
      invalid_authentication: true,
    });
    await expectNothingStored(server);
  });

  it('read no more than a few MiB of a huge refused body, then close the connection', async () => {
    const res = await exchange(
      server.url,
      requestHead(server.url, '/sourceimages/acme', 'not-the-key-at-all-0000', 1024 * MiB),
      zeros(256 * MiB),
      {
        readFirst: true,
      },
    );
    const answer = parseResponse(res.received);
    expect(answer.status).toBe(403);
    expect(answer.headers['connection']).toBe('close');
    expect(answer.json).toMatchObject({ error: { code: 403, origo_code: 'ORIGO_ERR_AUTH_INVALID_KEY' } });
    // Of the 256 MiB the client would send, the server read 8 MiB past the
    // headers (and one read more), then stopped reading and closed the
    // connection; the client's last writes met the closed socket.
    const read = serverSockets.at(-1)!.bytesRead;
    expect(read).toBeGreaterThan(8 * MiB);
    expect(read).toBeLessThan(9 * MiB);
    expect(res.sent).toBeLessThan(48 * MiB);
    expect(['EPIPE', 'ECONNRESET']).toContain(res.error);
    await expectNothingStored(server);
  });

  it('wait a few seconds for a client that stops sending, then close', async () => {
    const { head, file } = uploadParts(1 * MiB);
    const { hostname, port } = new URL(server.url);
    const socket = net.connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(
      requestHead(server.url, '/sourceimages/acme', 'not-the-key-at-all-0000', head.length + file.length + 100),
    );
    socket.write(Buffer.concat([head, file.subarray(0, 100 * 1024)]));
    const [data] = (await once(socket, 'data')) as [Buffer];
    const answered = Date.now();
    expect(parseResponse(data).status).toBe(403);
    const serverSide = serverSockets.at(-1)!;
    await until(() => serverSide.destroyed, 'the server to close the connection', 20_000);
    const lingered = Date.now() - answered;
    expect(lingered).toBeGreaterThanOrEqual(4_000);
    expect(lingered).toBeLessThan(15_000);
    // What the client sends now meets a closed connection (the first write reaches the kernel, a later one fails).
    await until(() => socket.destroyed || (socket.write(Buffer.alloc(1024)) && false), 'the client to see the close');
    await expectNothingStored(server);
  });

  it('keep the connection open when the refused request has no body to wait for', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const unknownRoute = await requestToEnd(`${server.url}/no-such-route`, { agent });
      const wrongKey = await requestToEnd(`${server.url}/sourceimages/acme`, {
        agent,
        headers: { 'api-key': 'not-the-key-of-anyone' },
      });
      const unknownOrg = await requestToEnd(`${server.url}/sourceimages/nope`, { agent });
      const answers = [unknownRoute, wrongKey, unknownOrg];
      expect(answers.map((a) => a.status)).toEqual([404, 403, 404]);
      expect(answers.map((a) => a.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive']);
      expect(answers.map((a) => a.reusedSocket)).toEqual([false, true, true]);
    } finally {
      agent.destroy();
    }
  });

  it('still answer the next request normally', async () => {
    const res = await fetch(`${server.url}/sourceimages/acme`, { headers: { 'api-key': ROOT_KEY } });
    expect(res.status).toBe(200);
  });
});

describe('too many failed keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_AUTH_FAILURES_PER_MINUTE: '1' }, { frozenClock: true });
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  it('reach Node fetch as a 429 with Retry-After while an upload is being sent', async () => {
    const send = async () =>
      readResult(
        await fetch(`${server.url}/sourceimages/acme`, {
          method: 'POST',
          headers: { 'api-key': 'not-the-key-at-all-0000' },
          body: form([{ name: 'big.jpg', bytes: Buffer.alloc(3 * MiB, 0xab), type: 'image/jpeg' }]),
        }),
      );
    expectError(await send(), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    const limited = await send();
    expectError(limited, 429, 'ORIGO_ERR_AUTH_TOO_MANY_FAILURES', 'retry in');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectNothingStored(server);
  });
});
