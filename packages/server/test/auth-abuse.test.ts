// Failed authentications per client address (ORIGO_AUTH_FAILURES_PER_MINUTE):
// past the limit, requests of the address that present a key or token answer
// 429 ORIGO_ERR_AUTH_TOO_MANY_FAILURES with Retry-After, before the key is
// looked up; other addresses and successful authentications are unaffected.
// ORIGO_TRUST_PROXY lets the test speak from several addresses through
// X-Forwarded-For, as request.ip then reports them. The servers' clocks are
// frozen: the allowance refills with the server's time, and only
// advanceClock moves it, however slowly the machine sends the requests.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import { addMember, type CallResult, call, type Member } from './tenancy-helpers.ts';

const WRONG_KEY = 'f'.repeat(64);
const WRONG_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6Im5vIn0.bm9wZQ';

function from(address: string, options: { key?: string; token?: string } = {}) {
  return { ...options, headers: { 'x-forwarded-for': address } };
}

function expectTooManyFailures(res: CallResult, retryAfter: number, address: string): void {
  expectError(
    res,
    429,
    'ORIGO_ERR_AUTH_TOO_MANY_FAILURES',
    `Too many failed authentications from ${address}`,
    `retry in ${retryAfter} s`,
  );
  expect(res.headers.get('retry-after')).toBe(String(retryAfter));
}

describe('ORIGO_AUTH_FAILURES_PER_MINUTE=5', () => {
  let server: TestServer;
  let member: Member;
  beforeAll(async () => {
    server = await startServer(
      { ORIGO_AUTH_FAILURES_PER_MINUTE: '5', ORIGO_TRUST_PROXY: 'true' },
      { frozenClock: true },
    );
    await createOrg(server, 'abuse');
    member = await addMember(server, 'abuse', ['admin']);
  });
  afterAll(() => server.close());

  const org = (options: ReturnType<typeof from>) => call(server, 'GET', '/organizations/abuse', options);

  it('refuses the address after 5 wrong keys, before any lookup, even with a valid key; other addresses go on', async () => {
    const a = '203.0.113.10';
    for (let i = 0; i < 5; i++) expectError(await org(from(a, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');

    const b = '203.0.113.11';
    const lookups = vi.spyOn(server.app.authenticator, 'fromApiKey');
    try {
      expectTooManyFailures(await org(from(a, { key: WRONG_KEY })), 12, a);
      expectTooManyFailures(await org(from(a, { key: member.key })), 12, a);
      // The spy does see lookups: the valid key from another address is looked up, once.
      expect((await org(from(b, { key: member.key }))).status).toBe(200);
      expect(lookups).toHaveBeenCalledTimes(1);
      expect(lookups).toHaveBeenCalledWith(member.key);
    } finally {
      lookups.mockRestore();
    }
    // Without a credential there is nothing to guess: the usual answers.
    expectError(await org(from(a)), 403, 'ORIGO_ERR_AUTH_MISSING_KEY');
    const signUp = await call(server, 'POST', '/users', {
      ...from(a),
      json: { email: 'a@example.com', organization: 'abuse-a' },
    });
    expectError(signUp, 403, 'ORIGO_ERR_AUTH_SIGNUP_CLOSED');

    expectError(await org(from(b, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
  });

  it('lets the address try again as the window passes', async () => {
    const c = '203.0.113.12';
    for (let i = 0; i < 5; i++) expectError(await org(from(c, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    expectTooManyFailures(await org(from(c, { key: member.key })), 12, c);
    // One failure's worth (a minute / 5) later: one more attempt.
    server.advanceClock(12_000);
    expectError(await org(from(c, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    expectTooManyFailures(await org(from(c, { key: member.key })), 12, c);
    // A whole minute later, a valid key works again.
    server.advanceClock(60_000);
    expect((await org(from(c, { key: member.key }))).status).toBe(200);
  });

  it('does not count successful authentications', async () => {
    const d = '203.0.113.13';
    for (let i = 0; i < 20; i++) expect((await org(from(d, { key: member.key }))).status).toBe(200);
    for (let i = 0; i < 5; i++) expectError(await org(from(d, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    expectTooManyFailures(await org(from(d, { key: WRONG_KEY })), 12, d);
  });

  it('counts bad Bearer tokens too', async () => {
    const e = '203.0.113.14';
    const elsewhere = '203.0.113.24';
    const made = await call(server, 'GET', '/user/apikeys/token', from(elsewhere, { key: member.key }));
    expect(made.status, made.text).toBe(200);
    for (let i = 0; i < 5; i++)
      expectError(await org(from(e, { token: WRONG_TOKEN })), 401, 'ORIGO_ERR_AUTH_INVALID_TOKEN');
    const tokens = vi.spyOn(server.app.authenticator, 'fromToken');
    try {
      expectTooManyFailures(await org(from(e, { token: WRONG_TOKEN })), 12, e);
      expect((await org(from(elsewhere, { token: made.json.token }))).status).toBe(200);
      expect(tokens).toHaveBeenCalledTimes(1);
    } finally {
      tokens.mockRestore();
    }
  });

  it('counts wrong keys sent to POST /users, the public sign-up route', async () => {
    const f = '203.0.113.15';
    const signUp = () =>
      call(server, 'POST', '/users', {
        ...from(f, { key: WRONG_KEY }),
        json: { email: 'x@example.com', organization: 'abuse-new' },
      });
    for (let i = 0; i < 5; i++) expect((await signUp()).status).toBe(403);
    expectTooManyFailures(await signUp(), 12, f);
    expect(
      (await call(server, 'GET', '/organizations/abuse-new', from('203.0.113.16', { key: member.key }))).status,
    ).toBe(404);
  });

  it('lets at most the allowance of lookups run at once: guesses sent in parallel do not all pass the check', async () => {
    const p = '203.0.113.17';
    const auth = server.app.authenticator;
    const lookUp = auth.fromApiKey.bind(auth);
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let started = 0;
    // Every lookup waits until the other requests are answered, so all 20 are
    // in flight together; a 6th lookup opens the gate at once (and fails the count).
    const lookups = vi.spyOn(auth, 'fromApiKey').mockImplementation(async (key) => {
      if (++started > 5) openGate();
      await gate;
      return lookUp(key);
    });
    try {
      let answered = 0;
      const results = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await org(from(p, { key: WRONG_KEY }));
          if (++answered === 15) openGate();
          return res;
        }),
      );
      expect(lookups).toHaveBeenCalledTimes(5);
      const refused = results.filter((res) => res.status === 429);
      expect(refused).toHaveLength(15);
      for (const res of refused) expectTooManyFailures(res, 12, p);
      const looked = results.filter((res) => res.status !== 429);
      expect(looked).toHaveLength(5);
      for (const res of looked) expectError(res, 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    } finally {
      lookups.mockRestore();
    }
    expectTooManyFailures(await org(from(p, { key: member.key })), 12, p);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one as the IPv4 address', async () => {
    for (let i = 1; i <= 5; i++)
      expectError(await org(from(`2001:db8:1:2::${i}`, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    expectTooManyFailures(
      await org(from('2001:db8:1:2:abcd:ef01:2345:6789', { key: member.key })),
      12,
      '2001:db8:1:2::/64',
    );
    expect((await org(from('2001:db8:1:3::1', { key: member.key }))).status).toBe(200);

    for (let i = 0; i < 5; i++)
      expectError(await org(from('::ffff:203.0.113.18', { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    expectTooManyFailures(await org(from('203.0.113.18', { key: member.key })), 12, '203.0.113.18');
  });
});

describe('ORIGO_TRUST_PROXY=1 (one proxy that appends to X-Forwarded-For)', () => {
  it('counts the address the proxy appended: a forged left-most entry buys no fresh allowance', async () => {
    const server = await startServer(
      { ORIGO_AUTH_FAILURES_PER_MINUTE: '5', ORIGO_TRUST_PROXY: '1' },
      { frozenClock: true },
    );
    try {
      const client = '203.0.113.19';
      const forged = (i: number) => ({ key: WRONG_KEY, headers: { 'x-forwarded-for': `192.0.2.${i}, ${client}` } });
      for (let i = 0; i < 5; i++) {
        expectError(await call(server, 'GET', '/organizations/x', forged(i)), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
      }
      expectTooManyFailures(await call(server, 'GET', '/organizations/x', forged(99)), 12, client);
    } finally {
      await server.close();
    }
  });
});

describe('the default limit and 0', () => {
  it('allows 60 failures a minute by default, then answers 429', async () => {
    const server = await startServer({ ORIGO_TRUST_PROXY: 'true' }, { frozenClock: true });
    try {
      expect(server.config.authFailuresPerMinute).toBe(60);
      const g = '198.51.100.1';
      for (let i = 0; i < 60; i++) {
        expectError(
          await call(server, 'GET', '/organizations/x', from(g, { key: WRONG_KEY })),
          403,
          'ORIGO_ERR_AUTH_INVALID_KEY',
        );
      }
      expectTooManyFailures(await call(server, 'GET', '/organizations/x', from(g, { key: WRONG_KEY })), 1, g);
    } finally {
      await server.close();
    }
  });

  it('never refuses with ORIGO_AUTH_FAILURES_PER_MINUTE=0', async () => {
    const server = await startServer({ ORIGO_AUTH_FAILURES_PER_MINUTE: '0' }, { frozenClock: true });
    try {
      for (let i = 0; i < 80; i++) {
        expectError(
          await call(server, 'GET', '/organizations/x', { key: WRONG_KEY }),
          403,
          'ORIGO_ERR_AUTH_INVALID_KEY',
        );
      }
    } finally {
      await server.close();
    }
  });
});
