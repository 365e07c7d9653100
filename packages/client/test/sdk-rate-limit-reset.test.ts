// After a 429 without Retry-After, the transport waits until the rate limit's
// reset header says (RateLimit-Reset, X-RateLimit-Reset) before sending a
// request safe to repeat again; a POST is not sent again. Against a real
// node:http server that answers as scripted.

import { afterEach, describe, expect, it } from 'vitest';
import { isOrigoApiError, OrigoClient } from '../src/index.ts';
import { type LocalServer, localServer, sendJson, sourceImageJson } from './sdk-local-server.ts';

const HASH = 'c'.repeat(40);
const image = sourceImageJson(HASH);
const limited = { error: { code: 429, message: 'Too many requests' }, code: 429, message: 'Too many requests' };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The client's backoff alone would wait about a millisecond: a long wait can only come from the header. */
const clientOf = (url: string) => new OrigoClient({ url, retryBaseDelayMs: 1 });

describe('a 429 with a rate-limit reset header', () => {
  it('X-RateLimit-Reset in seconds: waits that long, then the GET succeeds', async () => {
    server = await localServer((_req, res, i) =>
      i === 0 ? sendJson(res, 429, limited, { 'x-ratelimit-reset': '2' }) : sendJson(res, 200, image),
    );
    const started = Date.now();
    expect((await clientOf(server.url).getSourceImage('acme', HASH)).hash).toBe(HASH);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('X-RateLimit-Reset as a Unix time: waits until then', async () => {
    // Whole seconds: at least two of the three are left to wait.
    const reset = String(Math.floor(Date.now() / 1000) + 3);
    server = await localServer((_req, res, i) =>
      i === 0 ? sendJson(res, 429, limited, { 'x-ratelimit-reset': reset }) : sendJson(res, 200, image),
    );
    const started = Date.now();
    await clientOf(server.url).getSourceImage('acme', HASH);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('RateLimit-Reset (seconds): waits that long', async () => {
    server = await localServer((_req, res, i) =>
      i === 0 ? sendJson(res, 429, limited, { 'ratelimit-reset': '1' }) : sendJson(res, 200, image),
    );
    const started = Date.now();
    await clientOf(server.url).getSourceImage('acme', HASH);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('Retry-After wins over the reset header', async () => {
    server = await localServer((_req, res, i) =>
      i === 0
        ? sendJson(res, 429, limited, { 'retry-after': '1', 'x-ratelimit-reset': '600' })
        : sendJson(res, 200, image),
    );
    const started = Date.now();
    await clientOf(server.url).getSourceImage('acme', HASH);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a POST upload is not sent again', async () => {
    server = await localServer((_req, res) => sendJson(res, 429, limited, { 'x-ratelimit-reset': '0' }));
    let caught: unknown;
    await clientOf(server.url)
      .createSourceImage('acme', 'x.png', Buffer.from('bytes'))
      .catch((err: unknown) => {
        caught = err;
      });
    expect(isOrigoApiError(caught) && caught.status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });
});
