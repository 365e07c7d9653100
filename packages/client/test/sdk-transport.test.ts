// The transport against a scripted local server: retries that honour
// Retry-After only for requests safe to repeat, timeouts, aborts, an
// unreachable server, a pluggable fetch, and how error bodies are read.

import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { isOrigoApiError, isOrigoNetworkError, OrigoClient } from '../src/index.ts';
import { type LocalServer, localServer, sendJson, sourceImageJson } from './sdk-local-server.ts';

const HASH = 'a'.repeat(40);
const image = sourceImageJson(HASH);
const notFound = { error: { code: 404, message: 'not here' }, code: 404, message: 'not here' };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('retries', () => {
  it('waits as Retry-After (seconds) says after a 429, then succeeds', async () => {
    server = await localServer((_req, res, i) =>
      i === 0 ? sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '1' }) : sendJson(res, 200, image),
    );
    const client = new OrigoClient({ url: server.url, retryBaseDelayMs: 1 });
    const started = Date.now();
    expect((await client.getSourceImage('acme', HASH)).hash).toBe(HASH);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('honours Retry-After as an HTTP date on a 503', async () => {
    server = await localServer((_req, res, i) =>
      i === 0
        ? sendJson(res, 503, {}, { 'retry-after': new Date(Date.now() + 2000).toUTCString() })
        : sendJson(res, 200, image),
    );
    const client = new OrigoClient({ url: server.url, retryBaseDelayMs: 1 });
    const started = Date.now();
    await client.getSourceImage('acme', HASH);
    expect(server.requests).toHaveLength(2);
    // The date has whole seconds: at least one of the two seconds is left to wait.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after `retries` further attempts and throws the last error', async () => {
    server = await localServer((_req, res) => sendJson(res, 503, { message: 'busy' }));
    const client = new OrigoClient({ url: server.url, retries: 2, retryBaseDelayMs: 1 });
    const err = await rejection(client.getSourceImage('acme', HASH));
    expect(isOrigoApiError(err) && err.status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it('does not send a POST upload again after a 503', async () => {
    server = await localServer((_req, res) => sendJson(res, 503, { message: 'busy' }, { 'retry-after': '0' }));
    const client = new OrigoClient({ url: server.url, retryBaseDelayMs: 1 });
    const err = await rejection(client.createSourceImage('acme', 'x.png', Buffer.from('bytes')));
    expect(isOrigoApiError(err) && err.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('sends an upload again, with the same body, when the caller says it may', async () => {
    server = await localServer((_req, res, i) =>
      i === 0 ? sendJson(res, 503, {}, { 'retry-after': '0' }) : sendJson(res, 200, { total: 1, items: [image] }),
    );
    const client = new OrigoClient({ url: server.url, retryBaseDelayMs: 1 });
    await client.createSourceImage('acme', 'x.png', Buffer.from('the bytes'), { retry: true });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(first!.body.toString()).toContain('the bytes');
  });

  it('does not retry an error that will not go away (404)', async () => {
    server = await localServer((_req, res) => sendJson(res, 404, notFound));
    const client = new OrigoClient({ url: server.url, retryBaseDelayMs: 1 });
    await rejection(client.getSourceImage('acme', HASH));
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts, aborts and unreachable servers', () => {
  it('times out an attempt that gets no answer, and retries it when safe', async () => {
    server = await localServer(() => undefined);
    const client = new OrigoClient({ url: server.url, timeoutMs: 200, retries: 1, retryBaseDelayMs: 1 });
    const err = await rejection(client.getSourceImage('acme', HASH));
    expect(isOrigoNetworkError(err) && err.timedOut).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('times out an answer whose body stalls after its headers', async () => {
    server = await localServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"hash":');
    });
    const client = new OrigoClient({ url: server.url, timeoutMs: 200, retries: 0 });
    const err = await rejection(client.getSourceImage('acme', HASH));
    expect(err).toMatchObject({ name: 'OrigoNetworkError', timedOut: true });
  });

  it('lets a slow upload run past the timeout while its bytes keep moving', async () => {
    server = await localServer((_req, res) => sendJson(res, 200, { total: 1, items: [image] }));
    let sent = 0;
    // 40 pieces, one every 20 ms: 800 ms in all, against a 300 ms timeout.
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 40) return controller.close();
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        controller.enqueue(new Uint8Array(1000).fill(sent));
      },
    });
    const client = new OrigoClient({ url: server.url, timeoutMs: 300, retries: 0 });
    expect(await client.createSourceImage('acme', 'slow.bin', slow)).toMatchObject({ hash: HASH });
    expect(server.requests[0]!.body.length).toBeGreaterThan(40_000);
  });

  it('stops at once when the caller aborts, even while it waits to retry', async () => {
    server = await localServer((_req, res) => sendJson(res, 429, {}, { 'retry-after': '60' }));
    const client = new OrigoClient({ url: server.url });
    const controller = new AbortController();
    const pending = rejection(client.getSourceImage('acme', HASH, { signal: controller.signal }));
    await server.received(1);
    const started = Date.now();
    controller.abort();
    const err = await pending;
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during an upload closes the stream being sent', { timeout: 5000 }, async () => {
    const sink = createServer((req) => req.resume());
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const address = sink.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    let produced = 0;
    const endless = new Readable({
      read() {
        produced++;
        this.push(Buffer.alloc(64 * 1024, 1));
      },
    });
    const closed = new Promise<void>((resolve) => endless.once('close', resolve));
    const client = new OrigoClient({ url: `http://127.0.0.1:${address.port}` });
    const controller = new AbortController();
    const pending = rejection(client.createSourceImage('acme', 'x.bin', endless, { signal: controller.signal }));
    while (produced < 20) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await closed;
    expect(endless.destroyed).toBe(true);
    sink.closeAllConnections();
    await new Promise((resolve) => sink.close(resolve));
  });

  it('aborts a request that is waiting for its answer', async () => {
    server = await localServer(() => undefined);
    const client = new OrigoClient({ url: server.url });
    const controller = new AbortController();
    const pending = rejection(client.listSourceImages('acme', {}, { signal: controller.signal }));
    await server.received(1);
    controller.abort(new Error('user pressed Ctrl-C'));
    expect(await pending).toMatchObject({ message: 'user pressed Ctrl-C' });
  });

  it('says the server cannot be reached', async () => {
    const closed = await localServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const client = new OrigoClient({ url, retries: 0 });
    const err = await rejection(client.getSourceImage('acme', HASH));
    expect(isOrigoNetworkError(err)).toBe(true);
    expect(err).toMatchObject({ name: 'OrigoNetworkError', timedOut: false, message: expect.stringContaining(url) });
  });
});

describe('requests', () => {
  it('goes through the fetch it is given, with the key, the path and the query', async () => {
    server = await localServer((_req, res) => sendJson(res, 200, { total: 0, items: [], cursor: 'c1' }));
    const calls: { url: string; method: string | undefined; key: string | null }[] = [];
    const recording: typeof fetch = (input, init) => {
      calls.push({ url: String(input), method: init?.method, key: new Headers(init?.headers).get('api-key') });
      return fetch(input, init);
    };
    const client = new OrigoClient({ url: `${server.url}/`, apiKey: 'k123', fetch: recording });
    await client.listSourceImages('my org', { limit: 5, sort: ['size desc', 'created'], 'user:tag': 'a b' });
    expect(calls).toEqual([
      {
        url: `${server.url}/sourceimages/my%20org?limit=5&sort=size+desc%2Ccreated&user%3Atag=a+b`,
        method: 'GET',
        key: 'k123',
      },
    ]);
    expect(server.requests[0]!.headers['api-key']).toBe('k123');
  });
});

describe('error bodies', () => {
  it("reads origo's code, rokka's wrapped and flat bodies, and bodies that are not JSON", async () => {
    const bodies: [number, string][] = [
      [404, JSON.stringify({ error: { code: 404, message: 'gone', origo_code: 'ORIGO_ERR_IMAGE_NOT_FOUND' } })],
      [400, JSON.stringify({ error: { code: 400, message: 'bad limit' } })],
      [403, JSON.stringify({ code: 403, message: 'Invalid API key', invalid_authentication: true })],
      [502, '<html>Bad Gateway</html>'],
    ];
    server = await localServer((_req, res, i) => {
      const [status, body] = bodies[i]!;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    });
    const client = new OrigoClient({ url: server.url, retries: 0 });
    const seen = [];
    for (let i = 0; i < bodies.length; i++) {
      const err = await rejection(client.getSourceImage('acme', HASH));
      if (!isOrigoApiError(err)) throw err;
      seen.push({ status: err.status, code: err.code, message: err.message });
    }
    expect(seen).toEqual([
      { status: 404, code: 'ORIGO_ERR_IMAGE_NOT_FOUND', message: 'gone' },
      { status: 400, code: '400', message: 'bad limit' },
      { status: 403, code: '403', message: 'Invalid API key' },
      { status: 502, code: undefined, message: `GET ${server.url}/sourceimages/acme/${HASH} answered 502 Bad Gateway` },
    ]);
  });

  it('recognises an error of another copy of the SDK by its brand, not by class', () => {
    const foreign = { name: 'OrigoApiError', status: 404, [Symbol.for('origo-client.error')]: 'api' };
    expect(isOrigoApiError(foreign)).toBe(true);
    expect(isOrigoNetworkError(foreign)).toBe(false);
    expect(isOrigoApiError(new Error('plain'))).toBe(false);
    expect(isOrigoApiError({ status: 404 })).toBe(false);
  });
});
