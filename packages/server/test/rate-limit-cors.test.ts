// Rate limiting per key (ORIGO_RATE_LIMIT_PER_MINUTE; the root key is never
// limited) and CORS for browser clients (ORIGO_CORS_ORIGINS).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { createOrg, expectError, form, jpeg, readResult, startServer, type TestServer } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';
import { addMember, type CallResult, call, type Member, root } from './tenancy-helpers.ts';

function expectRateLimited(res: CallResult): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.json).toMatchObject({
    code: 429,
    message: expect.any(String),
    error: { code: 429, origo_code: 'ORIGO_ERR_RATE_LIMITED' },
  });
}

describe('rate limiting with ORIGO_RATE_LIMIT_PER_MINUTE=3', () => {
  let server: TestServer;
  let member: Member;
  let other: Member;

  beforeAll(async () => {
    server = await startServer({ ORIGO_RATE_LIMIT_PER_MINUTE: '3' });
    await createOrg(server, 'rl');
    member = await addMember(server, 'rl', ['admin']);
    other = await addMember(server, 'rl', ['admin']);
  });
  afterAll(() => server.close());

  const org = (key: string) => call(server, 'GET', '/organizations/rl', { key });

  it('answers the fourth request of a key within the minute with 429, Retry-After and the rokka error JSON', async () => {
    for (let i = 0; i < 3; i++) expect((await org(member.key)).status).toBe(200);
    expectRateLimited(await org(member.key));
    // Another key has its own allowance.
    expect((await org(other.key)).status).toBe(200);
  });

  it('stores nothing for a refused upload', async () => {
    const images = await imageCount(server, 'rl');
    const blobs = await blobFiles(server);
    const res = await call(server, 'POST', '/sourceimages/rl', {
      key: member.key,
      body: form([{ name: 'late.jpg', bytes: await jpeg(4) }]),
    });
    expectRateLimited(res);
    expect(await imageCount(server, 'rl')).toBe(images);
    expect(await blobFiles(server)).toEqual(blobs);
  });

  it('never limits the root key, on key routes or on POST /users', async () => {
    for (let i = 0; i < 10; i++) expect((await call(server, 'GET', '/organizations/rl', root())).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await call(
        server,
        'POST',
        '/users',
        root({ json: { email: `u${i}@example.com`, organization: `rl-user-${i}` } }),
      );
      expect(res.status, res.text).toBe(200);
    }
  });

  it('limits anonymous sign-up attempts per client address', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await call(server, 'POST', '/users', { json: { email: 'x@example.com', organization: 'nope' } })).status,
      ).toBe(403);
    }
    expectRateLimited(await call(server, 'POST', '/users', { json: { email: 'x@example.com', organization: 'nope' } }));
  });

  it('lets requests pass again a minute later; tokens count against their key', async () => {
    expectRateLimited(await org(member.key));
    server.advanceClock(60_000);
    const token = await call(server, 'GET', '/user/apikeys/token', { key: member.key });
    expect(token.status).toBe(200);
    expect((await call(server, 'GET', '/organizations/rl', { token: token.json.token })).status).toBe(200);
    expect((await org(member.key)).status).toBe(200);
    expectRateLimited(await call(server, 'GET', '/organizations/rl', { token: token.json.token }));
    server.advanceClock(60_000);
    const upload = await call(server, 'POST', '/sourceimages/rl', {
      key: member.key,
      body: form([{ name: 'later.jpg', bytes: await jpeg(4) }]),
    });
    expect(upload.status).toBe(200);
  });
});

describe('CORS', () => {
  const preflight = (server: TestServer, origin: string) =>
    fetch(`${server.url}/sourceimages/acme/0123456789abcdef0123456789abcdef01234567`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'api-key, content-type',
      },
    });

  describe('with the default ORIGO_CORS_ORIGINS (*)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      await createOrg(server, 'acme');
    });
    afterAll(() => server.close());

    it('allows any origin and exposes Location, on answers and on errors', async () => {
      const ok = await call(
        server,
        'GET',
        '/organizations/acme',
        root({ headers: { origin: 'https://anywhere.example' } }),
      );
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('*');
      const exposed = (ok.headers.get('access-control-expose-headers') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase());
      expect(exposed).toEqual(expect.arrayContaining(['location', 'retry-after']));
      // Keys travel in headers, never cookies.
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

      const refused = await call(server, 'GET', '/organizations/acme', {
        headers: { origin: 'https://anywhere.example' },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');

      const plain = await call(server, 'GET', '/organizations/acme', root());
      expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('answers a preflight without a key: 204 with the methods (COPY too) and headers (Api-Key too)', async () => {
      const res = await preflight(server, 'https://anywhere.example');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const methods = (res.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim());
      expect(methods).toEqual(expect.arrayContaining(['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'COPY']));
      const headers = (res.headers.get('access-control-allow-headers') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase());
      expect(headers).toEqual(
        expect.arrayContaining(['api-key', 'authorization', 'content-type', 'destination', 'overwrite']),
      );
    });
  });

  describe('with ORIGO_CORS_ORIGINS=https://app.example.com', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ ORIGO_CORS_ORIGINS: 'https://app.example.com' });
      await createOrg(server, 'acme');
    });
    afterAll(() => server.close());

    it('allows that origin only', async () => {
      const allowed = await call(
        server,
        'GET',
        '/organizations/acme',
        root({ headers: { origin: 'https://app.example.com' } }),
      );
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(allowed.headers.get('vary')).toMatch(/origin/i);
      expect(allowed.headers.get('access-control-expose-headers')).toMatch(/location/i);

      const other = await call(
        server,
        'GET',
        '/organizations/acme',
        root({ headers: { origin: 'https://evil.example.com' } }),
      );
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('access-control-expose-headers')).toBeNull();

      expect((await preflight(server, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe(
        'https://app.example.com',
      );
      expect(
        (await preflight(server, 'https://evil.example.com')).headers.get('access-control-allow-origin'),
      ).toBeNull();
    });
  });

  describe('with ORIGO_CORS_ORIGINS=none', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ ORIGO_CORS_ORIGINS: 'none' });
      await createOrg(server, 'acme');
    });
    afterAll(() => server.close());

    it('sends no CORS headers and answers no preflight', async () => {
      const res = await call(
        server,
        'GET',
        '/organizations/acme',
        root({ headers: { origin: 'https://app.example.com' } }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      // With no preflight route, OPTIONS is a method the path does not have.
      const pre = await readResult(await preflight(server, 'https://app.example.com'));
      expectError(
        pre,
        405,
        'ORIGO_ERR_REQUEST_METHOD_NOT_ALLOWED',
        'OPTIONS is not allowed on /sourceimages/acme/0123456789abcdef0123456789abcdef01234567',
      );
      expect(pre.headers.get('allow')).toBe('COPY, DELETE, GET, HEAD');
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-methods')).toBeNull();
      expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    });
  });
});
