// Tokens (spec §6.4): GET /user/apikeys/token makes an HS256 JWT for
// `Authorization: Bearer`, bound to addresses, expiring, optionally renewable
// up to a fixed limit; deleting the key revokes its tokens.

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogRows } from './catalog-rows.ts';
import { jpeg, startServer, type TestServer } from './helpers.ts';
import { type CallResult, call, signUp, uploadAs } from './tenancy-helpers.ts';

const DAY = 86_400;

let server: TestServer;
let user: { userId: string; key: string };
let keyId: string;
let hash: string;

beforeAll(async () => {
  server = await startServer();
  user = await signUp(server, 'tok-org');
  keyId = (await call(server, 'GET', '/user/apikeys/current', { key: user.key })).json.id;
  hash = (await uploadAs(server, user.key, 'tok-org', 't.jpg', await jpeg(3))).hash;
});
afterAll(() => server.close());

const nowSeconds = () => Math.floor(server.deps.now().getTime() / 1000);

function token(query = '', credentials: { key?: string; token?: string } = { key: user.key }): Promise<CallResult> {
  return call(server, 'GET', `/user/apikeys/token${query ? `?${query}` : ''}`, credentials);
}

async function tokenOk(
  query = '',
  credentials?: { key?: string; token?: string },
): Promise<{ token: string; payload: Record<string, unknown> }> {
  const res = await token(query, credentials);
  if (res.status !== 200) throw new Error(`token ${query}: ${res.status} ${res.text}`);
  return res.json;
}

const listWith = (t: string) => call(server, 'GET', '/sourceimages/tok-org', { token: t });

function expectInvalidToken(res: CallResult, message?: string): void {
  expect(res.status).toBe(401);
  expect(res.json.invalid_authentication).toBe(true);
  expect(res.json.error.origo_code).toBe('ORIGO_ERR_AUTH_INVALID_TOKEN');
  if (message !== undefined) expect(res.json.message).toBe(message);
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('GET /user/apikeys/token', () => {
  it('answers a real HS256 JWT and its payload', async () => {
    const before = nowSeconds();
    const res = await token('expires_in=3600');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(['payload', 'token']);
    const { token: jwt, payload } = res.json;
    expect(payload).toMatchObject({ id: keyId, ips: ['127.0.0.1'], rn: false });
    expect(payload.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(payload.exp).toBeLessThanOrEqual(nowSeconds() + 3600);
    // Not renewable: the chain ends with this token.
    expect(payload.expt).toBe(payload.exp);

    const parts = jwt.split('.');
    expect(parts).toHaveLength(3);
    for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(parts[0])).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(parts[1])).toEqual(payload);
    // Signed with the server's secret, HMAC-SHA256 over header.payload.
    const secret = (
      await catalogRows<{ value: string }>(server, "SELECT value FROM settings WHERE name = 'token_secret'")
    )[0]!.value;
    const expected = createHmac('sha256', Buffer.from(secret, 'hex'))
      .update(`${parts[0]}.${parts[1]}`)
      .digest('base64url');
    expect(parts[2]).toBe(expected);
  });

  it('lasts a day by default, and refuses a bad expires_in', async () => {
    const { payload } = await tokenOk();
    expect(payload['exp']).toBeGreaterThanOrEqual(nowSeconds() + DAY - 5);
    expect(payload['exp']).toBeLessThanOrEqual(nowSeconds() + DAY);
    for (const bad of ['0', 'abc', '-5', String(30 * DAY + 1)]) {
      const res = await token(`expires_in=${bad}`);
      expect(res.status, bad).toBe(400);
    }
  });

  it('is accepted as Authorization: Bearer on the image routes, without a key', async () => {
    const { token: t } = await tokenOk();
    const list = await listWith(t);
    expect(list.status).toBe(200);
    expect(list.json.items.map((i: { hash: string }) => i.hash)).toEqual([hash]);
    expect((await call(server, 'GET', `/sourceimages/tok-org/${hash}`, { token: t })).status).toBe(200);
    expect((await call(server, 'GET', `/sourceimages/tok-org/${hash}/download`, { token: t })).status).toBe(200);
    const me = await call(server, 'GET', '/user', { token: t });
    expect(me.json.user_id).toBe(user.userId);
    // The token is no key: as an Api-Key it is refused.
    expect((await call(server, 'GET', '/sourceimages/tok-org', { key: t })).status).toBe(403);
  });

  it('is refused with 401 when tampered with', async () => {
    const { token: t } = await tokenOk('ips=10.1.2.3');
    const [header, body, signature] = t.split('.') as [string, string, string];
    const payload = decode(body);
    const freed = Buffer.from(JSON.stringify({ ...payload, ips: null })).toString('base64url');
    expectInvalidToken(await listWith(`${header}.${freed}.${signature}`));
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    expectInvalidToken(await listWith(`${header}.${body}.${flipped}`));
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectInvalidToken(await listWith(`${none}.${freed}.`));
    expectInvalidToken(await listWith('not-a-token'));
    expectInvalidToken(await listWith(`${header}.${body}`));
  });

  it('is bound to the caller address, to given addresses or CIDR ranges, or to none', async () => {
    const elsewhere = await tokenOk('ips=10.1.2.3');
    expect(elsewhere.payload['ips']).toEqual(['10.1.2.3']);
    expectInvalidToken(await listWith(elsewhere.token), 'The token may not be used from 127.0.0.1');

    const here = await tokenOk('ips=request_ip,10.1.2.3');
    expect(here.payload['ips']).toEqual(['127.0.0.1', '10.1.2.3']);
    expect((await listWith(here.token)).status).toBe(200);

    const range = await tokenOk('ips=127.0.0.0/8');
    expect((await listWith(range.token)).status).toBe(200);

    const anywhere = await tokenOk('no_ip_protection=true');
    expect(anywhere.payload['ips']).toBeNull();
    expect((await listWith(anywhere.token)).status).toBe(200);

    const both = await token('no_ip_protection=true&ips=127.0.0.1');
    expect(both.status).toBe(400);
    const ten = Array.from({ length: 10 }, (_, i) => `10.0.0.${i + 1}`);
    expect((await token(`ips=${ten.join(',')}`)).status).toBe(200);
    expect((await token(`ips=${[...ten, '10.0.0.11'].join(',')}`)).status).toBe(400);
    expect((await token('ips=not-an-ip')).status).toBe(400);
  });

  it('dies with the key it was made from', async () => {
    const second = await call(server, 'POST', '/user/apikeys', { key: user.key, json: { comment: 'short-lived' } });
    expect(second.status).toBe(200);
    const { token: t, payload } = await tokenOk('', { key: second.json.api_key });
    expect(payload['id']).toBe(second.json.id);
    expect((await listWith(t)).status).toBe(200);
    expect((await call(server, 'DELETE', `/user/apikeys/${second.json.id}`, { key: user.key })).status).toBe(204);
    expectInvalidToken(await listWith(t));
  });

  it('is refused with 401 once expired, from its exp second on', async () => {
    const before = nowSeconds();
    const { token: t, payload } = await tokenOk('expires_in=60');
    const exp = payload['exp'] as number;
    expect(exp).toBeGreaterThanOrEqual(before + 60);
    expect(exp).toBeLessThanOrEqual(nowSeconds() + 60);
    expect((await listWith(t)).status).toBe(200);
    // Two seconds before exp it still works (real time moves on by milliseconds only).
    server.advanceClock((exp - 2) * 1000 - server.deps.now().getTime());
    expect((await listWith(t)).status).toBe(200);
    server.advanceClock(exp * 1000 - server.deps.now().getTime());
    expectInvalidToken(await listWith(t), 'The token has expired; get a new one from /user/apikeys/token');
    expectInvalidToken(await token('', { token: t }), 'The token has expired; get a new one from /user/apikeys/token');
  });
});

describe('renewing a token', () => {
  it('refuses a token that is not renewable', async () => {
    const { token: t } = await tokenOk('expires_in=600');
    const res = await token('expires_in=600', { token: t });
    expect(res.status).toBe(403);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_AUTH_TOKEN_NOT_RENEWABLE');
  });

  it('renews a renewable token, never past the limit of the first one', async () => {
    const first = await tokenOk('renewable=true&expires_in=600');
    expect(first.payload['rn']).toBe(true);
    const limit = first.payload['expt'] as number;
    expect(limit).toBeGreaterThanOrEqual(nowSeconds() + 364 * DAY);

    server.advanceClock(300_000);
    // Asking for renewable again changes nothing: the limit stays.
    const renewed = await tokenOk('expires_in=3600&renewable=true', { token: first.token });
    expect(renewed.payload['rn']).toBe(true);
    expect(renewed.payload['expt']).toBe(limit);
    expect(renewed.payload['exp']).toBeGreaterThan(first.payload['exp'] as number);
    expect((await listWith(renewed.token)).status).toBe(200);

    // Renew every 29 days for a year: the expiry approaches the limit and never passes it.
    let current = await tokenOk(`expires_in=${30 * DAY}`, { token: renewed.token });
    expect(current.payload['expt']).toBe(limit);
    let capped = false;
    for (let i = 0; i < 13; i++) {
      server.advanceClock(29 * DAY * 1000);
      const next = await token(`expires_in=${30 * DAY}`, { token: current.token });
      expect(next.status, `renewal ${i}: ${next.text}`).toBe(200);
      expect(next.json.payload.expt).toBe(limit);
      expect(next.json.payload.exp).toBeLessThanOrEqual(limit);
      if (next.json.payload.exp === limit) capped = true;
      current = next.json;
      if (capped) break;
    }
    expect(capped).toBe(true);
    // Past the limit the chain is over.
    server.advanceClock(31 * DAY * 1000);
    expectInvalidToken(await listWith(current.token));
    expectInvalidToken(await token('', { token: current.token }));
  });
});
