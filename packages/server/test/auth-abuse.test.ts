// Failed authentications per client address (ORIGO_AUTH_FAILURES_PER_MINUTE):
// past the limit, requests of the address that present a key or token answer
// 429 ORIGO_ERR_AUTH_TOO_MANY_FAILURES with Retry-After, before the key is
// looked up; other addresses and successful authentications are unaffected.
// ORIGO_TRUST_PROXY lets the test speak from several addresses through
// X-Forwarded-For, as request.ip then reports them.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import { addMember, type CallResult, call, type Member } from './tenancy-helpers.ts';

const WRONG_KEY = 'f'.repeat(64);
const WRONG_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6Im5vIn0.bm9wZQ';

function from(address: string, options: { key?: string; token?: string } = {}) {
  return { ...options, headers: { 'x-forwarded-for': address } };
}

function expectTooManyFailures(res: CallResult, retryAfter: number, address: string): void {
  expectError(res, 429, 'ORIGO_ERR_AUTH_TOO_MANY_FAILURES', `Too many failed authentications from ${address}`, `retry in ${retryAfter} s`);
  expect(res.headers.get('retry-after')).toBe(String(retryAfter));
}

describe('ORIGO_AUTH_FAILURES_PER_MINUTE=5', () => {
  let server: TestServer;
  let member: Member;
  beforeAll(async () => {
    server = await startServer({ ORIGO_AUTH_FAILURES_PER_MINUTE: '5', ORIGO_TRUST_PROXY: 'true' });
    await createOrg(server, 'abuse');
    member = await addMember(server, 'abuse', ['admin']);
  });
  afterAll(() => server.close());

  const org = (options: ReturnType<typeof from>) => call(server, 'GET', '/organizations/abuse', options);

  it('refuses the address after 5 wrong keys, before any lookup, even with a valid key; other addresses go on', async () => {
    const a = '203.0.113.10';
    for (let i = 0; i < 5; i++) expectError(await org(from(a, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');

    const lookups = vi.spyOn(server.app.authenticator, 'fromApiKey');
    try {
      expectTooManyFailures(await org(from(a, { key: WRONG_KEY })), 12, a);
      expectTooManyFailures(await org(from(a, { key: member.key })), 12, a);
      expect(lookups).not.toHaveBeenCalled();
    } finally {
      lookups.mockRestore();
    }
    // Without a credential there is nothing to guess: the usual 403.
    expectError(await org(from(a)), 403, 'ORIGO_ERR_AUTH_MISSING_KEY');

    const b = '203.0.113.11';
    expect((await org(from(b, { key: member.key }))).status).toBe(200);
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
    for (let i = 0; i < 5; i++) expectError(await org(from(e, { token: WRONG_TOKEN })), 401, 'ORIGO_ERR_AUTH_INVALID_TOKEN');
    const tokens = vi.spyOn(server.app.authenticator, 'fromToken');
    try {
      expectTooManyFailures(await org(from(e, { token: WRONG_TOKEN })), 12, e);
      expect(tokens).not.toHaveBeenCalled();
    } finally {
      tokens.mockRestore();
    }
  });

  it('counts wrong keys sent to POST /users, the public sign-up route', async () => {
    const f = '203.0.113.15';
    const signUp = () => call(server, 'POST', '/users', { ...from(f, { key: WRONG_KEY }), json: { email: 'x@example.com', organization: 'abuse-new' } });
    for (let i = 0; i < 5; i++) expect((await signUp()).status).toBe(403);
    expectTooManyFailures(await signUp(), 12, f);
    expect((await call(server, 'GET', '/organizations/abuse-new', from('203.0.113.16', { key: member.key }))).status).toBe(404);
  });
});

describe('the default limit and 0', () => {
  it('allows 60 failures a minute by default, then answers 429', async () => {
    const server = await startServer({ ORIGO_TRUST_PROXY: 'true' });
    try {
      expect(server.config.authFailuresPerMinute).toBe(60);
      const g = '198.51.100.1';
      for (let i = 0; i < 60; i++) {
        expectError(await call(server, 'GET', '/organizations/x', from(g, { key: WRONG_KEY })), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
      }
      expectTooManyFailures(await call(server, 'GET', '/organizations/x', from(g, { key: WRONG_KEY })), 1, g);
    } finally {
      await server.close();
    }
  });

  it('never refuses with ORIGO_AUTH_FAILURES_PER_MINUTE=0', async () => {
    const server = await startServer({ ORIGO_AUTH_FAILURES_PER_MINUTE: '0' });
    try {
      for (let i = 0; i < 80; i++) {
        expectError(await call(server, 'GET', '/organizations/x', { key: WRONG_KEY }), 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
      }
    } finally {
      await server.close();
    }
  });
});
