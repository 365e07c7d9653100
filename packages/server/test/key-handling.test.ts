// Key handling: keys are compared as digests in constant time, and neither
// keys, tokens nor their digests ever reach the log or an error body.

import * as crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Authenticator, keyDigest } from '../src/service/auth.ts';
import { signToken } from '../src/service/tokens.ts';
import type { Accounts } from '../src/storage/catalog/accounts.ts';
import { catalogRows } from './catalog-rows.ts';
import { form, jpeg, ROOT_KEY, startServer, type TestServer } from './helpers.ts';
import { captureLog } from './logged-server.ts';
import { type CallOptions, type CallResult, call, root } from './tenancy-helpers.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
const sha256 = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

describe('Authenticator.fromApiKey', () => {
  const userKey = 'a'.repeat(64);
  const lookups: string[] = [];
  const accounts = {
    async findKeyByDigest(digestHex: string) {
      lookups.push(digestHex);
      if (digestHex !== sha256(userKey).toString('hex')) return undefined;
      const created = new Date(0);
      return {
        key: { id: 'k1', userId: 'u1', comment: null, created, accessed: null },
        user: { id: 'u1', email: 'u@example.com', created },
      };
    },
    async findKeyById() {
      return undefined;
    },
    async touchKey() {},
  } as unknown as Accounts;
  const secret = Buffer.alloc(32, 7);
  const auth = new Authenticator(accounts, keyDigest(ROOT_KEY), secret, () => new Date());

  beforeEach(() => {
    timingSafeEqual.mockClear();
    lookups.length = 0;
  });

  it('compares the root key as a digest, with crypto.timingSafeEqual', async () => {
    expect(await auth.fromApiKey(ROOT_KEY)).toEqual({ kind: 'root' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [given, expected] = timingSafeEqual.mock.calls[0]! as [Buffer, Buffer];
    expect(Buffer.from(given).equals(sha256(ROOT_KEY))).toBe(true);
    expect(Buffer.from(expected).equals(sha256(ROOT_KEY))).toBe(true);
    expect(lookups).toEqual([]);
  });

  it('compares every other key in constant time too, and looks users up by digest only', async () => {
    const almostRoot = `${ROOT_KEY.slice(0, -1)}x`;
    expect(await auth.fromApiKey(almostRoot)).toBeUndefined();
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [given] = timingSafeEqual.mock.calls[0]! as [Buffer, Buffer];
    expect(Buffer.from(given).equals(sha256(almostRoot))).toBe(true);
    expect(lookups).toEqual([sha256(almostRoot).toString('hex')]);

    const principal = await auth.fromApiKey(userKey);
    expect(principal).toMatchObject({ kind: 'user', userId: 'u1', keyId: 'k1' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
    expect(lookups).toEqual([sha256(almostRoot).toString('hex'), sha256(userKey).toString('hex')]);
    expect(lookups.some((l) => l.includes(userKey) || l.includes(almostRoot))).toBe(false);
  });

  it('checks token signatures in constant time', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signToken({ id: 'k1', exp: now + 60, expt: now + 60, ips: null, rn: false, iat: now }, secret);
    await expect(auth.fromToken(token, '127.0.0.1')).rejects.toMatchObject({ code: 'ORIGO_ERR_AUTH_INVALID_TOKEN' });
    expect(timingSafeEqual).toHaveBeenCalled();
  });
});

describe('logs and error bodies', () => {
  let server: TestServer;
  // trace also turns on request logging (see buildApp).
  const captured = captureLog('trace');
  /** Every key and token this test made or sent. */
  const secrets: string[] = [ROOT_KEY];
  const errorBodies: { what: string; text: string }[] = [];

  beforeAll(async () => {
    server = await startServer(
      { ORIGO_LOG_LEVEL: 'trace', ORIGO_RATE_LIMIT_PER_MINUTE: '40' },
      { logger: captured.logger },
    );
  });
  afterAll(() => server.close());

  async function send(what: string, method: string, pathname: string, options: CallOptions = {}): Promise<CallResult> {
    const res = await call(server, method, pathname, options);
    if (res.status >= 400) errorBodies.push({ what, text: res.text });
    return res;
  }

  it('never shows a key, a token or a digest of either', async () => {
    // Keys and tokens made the ordinary ways.
    const user = await send(
      'sign-up',
      'POST',
      '/users',
      root({ json: { email: 'k@example.com', organization: 'keys' } }),
    );
    expect(user.status).toBe(200);
    const key: string = user.json.api_key;
    const added = await send('add key', 'POST', '/user/apikeys', { key, json: { comment: 'second' } });
    const key2: string = added.json.api_key;
    const member = await send('add member', 'POST', '/organizations/keys/memberships', {
      key,
      json: { roles: ['read'] },
    });
    const key3: string = member.json.api_key;
    const token: string = (await send('token', 'GET', '/user/apikeys/token?expires_in=60', { key })).json.token;
    const renewable: string = (await send('token', 'GET', '/user/apikeys/token?renewable=true', { key: key2 })).json
      .token;
    const elsewhere: string = (await send('token', 'GET', '/user/apikeys/token?ips=10.9.8.7', { key })).json.token;
    const [h, p, s] = token.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${s.slice(0, -3)}abc`;
    const wrongKey = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    const randomKey = crypto.randomBytes(32).toString('hex');
    secrets.push(key, key2, key3, token, renewable, elsewhere, tampered, wrongKey, randomKey);
    for (const value of [key, key2, key3, token, renewable, elsewhere]) expect(value).toEqual(expect.any(String));

    // Valid use.
    const byKey = await send('list by key', 'GET', '/sourceimages/keys', { key });
    expect(byKey.status, byKey.text).toBe(200);
    expect(byKey.json).toMatchObject({ total: 0, items: [] });
    const byToken = await send('list by token', 'GET', '/sourceimages/keys', { token });
    expect(byToken.status, byToken.text).toBe(200);
    expect(byToken.json).toMatchObject({ total: 0, items: [] });
    expect(
      (
        await send('upload', 'POST', '/sourceimages/keys', {
          key,
          body: form([{ name: 'k.jpg', bytes: await jpeg(1) }]),
        })
      ).status,
    ).toBe(200);
    expect((await send('renew', 'GET', '/user/apikeys/token', { token: renewable })).status).toBe(200);

    // Invalid keys and tokens, in every place they can be put.
    const refusals: [string, string, string, CallOptions, number, string][] = [
      ['wrong key', 'GET', '/sourceimages/keys', { key: wrongKey }, 403, 'ORIGO_ERR_AUTH_INVALID_KEY'],
      ['random key', 'GET', '/user', { key: randomKey }, 403, 'ORIGO_ERR_AUTH_INVALID_KEY'],
      ['token as key', 'GET', '/user', { key: token }, 403, 'ORIGO_ERR_AUTH_INVALID_KEY'],
      ['key as token', 'GET', '/user', { token: key }, 401, 'ORIGO_ERR_AUTH_INVALID_TOKEN'],
      ['tampered token', 'GET', '/sourceimages/keys', { token: tampered }, 401, 'ORIGO_ERR_AUTH_INVALID_TOKEN'],
      ['token from elsewhere', 'GET', '/sourceimages/keys', { token: elsewhere }, 401, 'ORIGO_ERR_AUTH_INVALID_TOKEN'],
      ['non-renewable renewal', 'GET', '/user/apikeys/token', { token }, 403, 'ORIGO_ERR_AUTH_TOKEN_NOT_RENEWABLE'],
      [
        'wrong key on sign-up',
        'POST',
        '/users',
        { key: wrongKey, json: { email: 'x@example.com', organization: 'x' } },
        403,
        'ORIGO_ERR_AUTH_INVALID_KEY',
      ],
      [
        'sign-up without root',
        'POST',
        '/users',
        { key, json: { email: 'x@example.com', organization: 'x' } },
        403,
        'ORIGO_ERR_AUTH_SIGNUP_CLOSED',
      ],
      ['foreign org', 'GET', '/sourceimages/nope', { key }, 404, 'ORIGO_ERR_ORG_NOT_FOUND'],
      ['read role manages keys', 'GET', '/user/apikeys', { key: key3 }, 403, 'ORIGO_ERR_AUTH_FORBIDDEN'],
      [
        'unknown key id',
        'DELETE',
        '/user/apikeys/00000000-0000-0000-0000-000000000000',
        { key },
        404,
        'ORIGO_ERR_KEY_NOT_FOUND',
      ],
      [
        'bad json',
        'POST',
        '/user/apikeys',
        { key, body: '{"comment":', headers: { 'content-type': 'application/json' } },
        400,
        'ORIGO_ERR_REQUEST_BAD_JSON',
      ],
      [
        'bad api version',
        'GET',
        '/user',
        { key, headers: { 'api-version': '7' } },
        400,
        'ORIGO_ERR_REQUEST_BAD_API_VERSION',
      ],
      ['unknown route', 'GET', '/nowhere', { key }, 404, 'ORIGO_ERR_REQUEST_NOT_FOUND'],
      [
        'write without role',
        'DELETE',
        '/sourceimages/keys/0123456789abcdef0123456789abcdef01234567',
        { key: key3 },
        403,
        'ORIGO_ERR_AUTH_FORBIDDEN',
      ],
    ];
    const outcomes: string[] = [];
    for (const [what, method, pathname, options] of refusals) {
      const res = await send(what, method, pathname, options);
      outcomes.push(`${what}: ${res.status} ${res.json?.error?.origo_code}`);
    }
    expect(outcomes).toEqual(refusals.map(([what, , , , status, code]) => `${what}: ${status} ${code}`));
    // No key was added by a refused request.
    expect((await send('keys', 'GET', '/user/apikeys', { key })).json).toHaveLength(2);

    // An expired token and a revoked key.
    server.advanceClock(61_000);
    expect((await send('expired token', 'GET', '/sourceimages/keys', { token })).status).toBe(401);
    const key2Id = (await send('current', 'GET', '/user/apikeys/current', { key: key2 })).json.id;
    expect((await send('delete key', 'DELETE', `/user/apikeys/${key2Id}`, { key })).status).toBe(204);
    expect((await send('revoked key', 'GET', '/user', { key: key2 })).status).toBe(403);
    expect((await send('revoked key token', 'GET', '/user', { token: renewable })).status).toBe(401);

    // Rate limited.
    let limited: CallResult | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await send('rate limit', 'GET', '/user', { key });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);

    // The capture really holds the request log and the error log.
    const log = captured.text();
    expect(log).toContain('/user/apikeys/token');
    expect(log).toContain('ORIGO_ERR_AUTH_INVALID_KEY');
    expect(log).toContain('ORIGO_ERR_AUTH_INVALID_TOKEN');
    expect(log).toContain('ORIGO_ERR_RATE_LIMITED');
    expect(errorBodies.length).toBeGreaterThanOrEqual(20);

    const tokenSecret = (
      await catalogRows<{ value: string }>(server, "SELECT value FROM settings WHERE name = 'token_secret'")
    )[0]!.value;

    const forbidden = new Map<string, string>();
    for (const secret of secrets) {
      forbidden.set(secret, 'a key or token');
      forbidden.set(sha256(secret).toString('hex'), `the sha256 hex of ${secret.slice(0, 6)}…`);
      forbidden.set(sha256(secret).toString('base64'), `the sha256 base64 of ${secret.slice(0, 6)}…`);
    }
    forbidden.set(tokenSecret, 'the token secret');
    // Token signatures alone are secrets too.
    for (const t of [token, renewable, elsewhere]) forbidden.set(t.split('.')[2]!, 'a token signature');

    const leaks: string[] = [];
    for (const [value, what] of forbidden) {
      if (log.includes(value)) leaks.push(`log holds ${what}`);
      for (const body of errorBodies)
        if (body.text.includes(value)) leaks.push(`error body of "${body.what}" holds ${what}`);
    }
    expect(leaks).toEqual([]);
  });
});
