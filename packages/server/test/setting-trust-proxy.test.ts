// ORIGO_TRUST_PROXY over HTTP: with it on, X-Forwarded-For is the client
// address (what a token is bound to and what anonymous calls are rate
// limited by); with it off, the header is ignored and the connection's
// address counts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers.ts';
import { type CallResult, call, signUp } from './tenancy-helpers.ts';

const CLIENT = '203.0.113.7';
const OTHER = '198.51.100.1';

const xff = (value: string) => ({ 'x-forwarded-for': value });

function expectTokenRefusedFrom(res: CallResult, address: string): void {
  expect(res.status, res.text).toBe(401);
  expect(res.json.error.origo_code).toBe('ORIGO_ERR_AUTH_INVALID_TOKEN');
  expect(res.json.message).toBe(`The token may not be used from ${address}`);
}

/** Anonymous sign-up attempts (refused 403 with open sign-up off) until the first 429; the number that got through. */
async function signUpsBeforeLimit(server: TestServer, headers: Record<string, string>): Promise<number> {
  for (let i = 0; i < 10; i++) {
    const res = await call(server, 'POST', '/users', { headers, json: { email: 'x@example.com', organization: 'nope' } });
    if (res.status === 429) {
      expect(res.json.error.origo_code).toBe('ORIGO_ERR_RATE_LIMITED');
      return i;
    }
    expect(res.status, res.text).toBe(403);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_AUTH_SIGNUP_CLOSED');
  }
  return 10;
}

describe('ORIGO_TRUST_PROXY=true', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startServer({ ORIGO_TRUST_PROXY: 'true', ORIGO_RATE_LIMIT_PER_MINUTE: '3' });
    key = (await signUp(server, 'proxied')).key;
  });
  afterAll(() => server.close());

  it('binds a token to the forwarded address and checks it against the forwarded address', async () => {
    const made = await call(server, 'GET', '/user/apikeys/token', { key, headers: xff(CLIENT) });
    expect(made.status, made.text).toBe(200);
    expect(made.json.payload.ips).toEqual([CLIENT]);
    const token: string = made.json.token;
    expect((await call(server, 'GET', '/user', { token, headers: xff(CLIENT) })).status).toBe(200);
    expectTokenRefusedFrom(await call(server, 'GET', '/user', { token, headers: xff(OTHER) }), OTHER);
    // Without the header the connection's own address is the client.
    expectTokenRefusedFrom(await call(server, 'GET', '/user', { token }), '127.0.0.1');
  });

  it('takes the first address of a forwarded chain as the client', async () => {
    const made = await call(server, 'GET', '/user/apikeys/token', { key, headers: xff(`${CLIENT}, 10.0.0.1`) });
    expect(made.json.payload.ips).toEqual([CLIENT]);
  });

  it('rate limits anonymous calls per forwarded address', async () => {
    expect(await signUpsBeforeLimit(server, xff('192.0.2.10'))).toBe(3);
    // Another client behind the same proxy has its own allowance.
    expect(await signUpsBeforeLimit(server, xff('192.0.2.11'))).toBe(3);
  });
});

describe('ORIGO_TRUST_PROXY off (the default)', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startServer({ ORIGO_RATE_LIMIT_PER_MINUTE: '3' });
    key = (await signUp(server, 'direct')).key;
  });
  afterAll(() => server.close());

  it('ignores X-Forwarded-For when binding and checking a token', async () => {
    const made = await call(server, 'GET', '/user/apikeys/token', { key, headers: xff(CLIENT) });
    expect(made.status, made.text).toBe(200);
    expect(made.json.payload.ips).toEqual(['127.0.0.1']);
    const token: string = made.json.token;
    expect((await call(server, 'GET', '/user', { token, headers: xff(OTHER) })).status).toBe(200);
    // A token bound elsewhere cannot be used by claiming that address.
    const elsewhere = await call(server, 'GET', '/user/apikeys/token?ips=203.0.113.7', { key });
    expectTokenRefusedFrom(await call(server, 'GET', '/user', { token: elsewhere.json.token, headers: xff(CLIENT) }), '127.0.0.1');
  });

  it('rate limits anonymous calls by the connection, whatever the header says', async () => {
    expect(await signUpsBeforeLimit(server, xff('192.0.2.10'))).toBe(3);
    expect(await signUpsBeforeLimit(server, xff('192.0.2.11'))).toBe(0);
  });
});
