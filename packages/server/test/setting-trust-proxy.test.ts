// ORIGO_TRUST_PROXY over HTTP: with it on, X-Forwarded-For is the client
// address (what a token is bound to and what anonymous calls are rate
// limited by); with it off, the header is ignored and the connection's
// address counts. With a hop count or the proxies' addresses, only the
// entries those proxies appended are believed: the test client, on
// 127.0.0.1, plays the proxy nearest origo.

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
    const res = await call(server, 'POST', '/users', {
      headers,
      json: { email: 'x@example.com', organization: 'nope' },
    });
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

/** The client address origo sees for a request with X-Forwarded-For `forwarded`: what a new token is bound to. */
async function clientSeen(server: TestServer, key: string, forwarded?: string): Promise<string[]> {
  const made = await call(server, 'GET', '/user/apikeys/token', {
    key,
    headers: forwarded === undefined ? {} : xff(forwarded),
  });
  expect(made.status, made.text).toBe(200);
  return made.json.payload.ips;
}

describe('ORIGO_TRUST_PROXY=1 (one proxy)', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startServer({ ORIGO_TRUST_PROXY: '1' });
    expect(server.config.trustProxy).toBe(1);
    key = (await signUp(server, 'one-hop')).key;
  });
  afterAll(() => server.close());

  it('takes the right-most entry, the one the proxy appended, and ignores what the client put before it', async () => {
    expect(await clientSeen(server, key, `${OTHER}, ${CLIENT}`)).toEqual([CLIENT]);
    expect(await clientSeen(server, key, `10.9.9.9, ${OTHER}, ${CLIENT}`)).toEqual([CLIENT]);
    expect(await clientSeen(server, key, CLIENT)).toEqual([CLIENT]);
    expect(await clientSeen(server, key)).toEqual(['127.0.0.1']);
  });

  it('checks a token against the appended address, whatever the client claims before it', async () => {
    const made = await call(server, 'GET', '/user/apikeys/token', { key, headers: xff(CLIENT) });
    const token: string = made.json.token;
    expect((await call(server, 'GET', '/user', { token, headers: xff(`${OTHER}, ${CLIENT}`) })).status).toBe(200);
    expectTokenRefusedFrom(await call(server, 'GET', '/user', { token, headers: xff(`${CLIENT}, ${OTHER}`) }), OTHER);
  });

  it('rate limits anonymous calls by the appended address: rotating the left-most entry gets no fresh allowance', async () => {
    const limited = await startServer(
      { ORIGO_TRUST_PROXY: '1', ORIGO_RATE_LIMIT_PER_MINUTE: '3' },
      { frozenClock: true },
    );
    try {
      expect(await signUpsBeforeLimit(limited, xff('192.0.2.1, 192.0.2.20'))).toBe(3);
      expect(await signUpsBeforeLimit(limited, xff('192.0.2.2, 192.0.2.20'))).toBe(0);
      expect(await signUpsBeforeLimit(limited, xff('192.0.2.1, 192.0.2.21'))).toBe(3);
    } finally {
      await limited.close();
    }
  });
});

describe('ORIGO_TRUST_PROXY=2 (two proxies)', () => {
  it('takes the entry the outer proxy appended', async () => {
    const server = await startServer({ ORIGO_TRUST_PROXY: '2' });
    try {
      const { key } = await signUp(server, 'two-hops');
      expect(await clientSeen(server, key, `${OTHER}, ${CLIENT}, 10.0.0.1`)).toEqual([CLIENT]);
      expect(await clientSeen(server, key, `${CLIENT}, 10.0.0.1`)).toEqual([CLIENT]);
    } finally {
      await server.close();
    }
  });
});

describe("ORIGO_TRUST_PROXY as the proxies' addresses", () => {
  it('believes X-Forwarded-For only as far as it was appended by a listed proxy', async () => {
    const server = await startServer({ ORIGO_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' });
    try {
      expect(server.config.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
      const { key } = await signUp(server, 'listed');
      // 10.0.0.1 is a listed proxy, so the entry before it is the client; the one before that is the client's own claim.
      expect(await clientSeen(server, key, `${OTHER}, ${CLIENT}, 10.0.0.1`)).toEqual([CLIENT]);
      expect(await clientSeen(server, key, `${OTHER}, ${CLIENT}`)).toEqual([CLIENT]);
    } finally {
      await server.close();
    }
  });

  it('ignores the header when the connection is not from a listed proxy', async () => {
    const server = await startServer({ ORIGO_TRUST_PROXY: '10.0.0.0/8' });
    try {
      const { key } = await signUp(server, 'unlisted');
      expect(await clientSeen(server, key, `${OTHER}, ${CLIENT}`)).toEqual(['127.0.0.1']);
    } finally {
      await server.close();
    }
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
    expectTokenRefusedFrom(
      await call(server, 'GET', '/user', { token: elsewhere.json.token, headers: xff(CLIENT) }),
      '127.0.0.1',
    );
  });

  it('rate limits anonymous calls by the connection, whatever the header says', async () => {
    expect(await signUpsBeforeLimit(server, xff('192.0.2.10'))).toBe(3);
    expect(await signUpsBeforeLimit(server, xff('192.0.2.11'))).toBe(0);
  });
});
