// Signed render URLs (spec RENDER.md §7): protected images, protected
// stacks and protect_dynamic_stack need a signature made with the
// organization's signing key; unprotected renders stay public URLs. The
// signatures here are computed by the test from the spec's rule, not by
// origo's code.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, expectError, startServer, type TestServer, upload } from './helpers.ts';
import { asApiResult, putStack, quartersPng, render, uploaded } from './render-api.ts';

let server: TestServer;
let hash: string;
let protectedHash: string;
let key: string;

/** The spec's rule: the first 16 hex characters of sha256(path + query + ":" + key). */
function sign(pathAndQuery: string, signingKey = key): string {
  const signature = createHash('sha256').update(`${pathAndQuery}:${signingKey}`).digest('hex').slice(0, 16);
  return `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}sig=${signature}`;
}

function withUntil(path: string, until: Date): string {
  return `${path}?sigopts=${encodeURIComponent(JSON.stringify({ until: until.toISOString() }))}`;
}

beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  const bytes = await quartersPng(200, 100);
  hash = await uploaded(server, 'acme', bytes);
  const prot = await upload(server, 'acme', [{ name: 'secret.png', bytes }], {
    'options[0]': JSON.stringify({ protected: true }),
  });
  protectedHash = prot.json.items[0].hash;
  const org = await api(server, 'GET', '/organizations/acme');
  key = org.json.signing_keys[0].key;
});
afterAll(() => server.close());

describe('signing keys', () => {
  it('gives every organization a signing key', () => {
    expect(key).toMatch(/^[A-Za-z0-9]{20,}$/);
  });
});

describe('protected images', () => {
  it('render only signed', async () => {
    const path = `/render/acme/dynamic/resize-width-20/${protectedHash}.png`;
    expectError(asApiResult(await render(server, path)), 403, 'ORIGO_ERR_RENDER_SIGNATURE_REQUIRED', 'protected');
    expect((await render(server, sign(path))).status).toBe(200);
    expectError(asApiResult(await render(server, sign(path, 'not-the-key'))), 403, 'ORIGO_ERR_RENDER_BAD_SIGNATURE');
  });

  it('keep a signature to its path: another size is refused', async () => {
    const signed = sign(`/render/acme/dynamic/resize-width-20/${protectedHash}.png`);
    const tampered = signed.replace('resize-width-20', 'resize-width-21');
    expectError(asApiResult(await render(server, tampered)), 403, 'ORIGO_ERR_RENDER_BAD_SIGNATURE');
  });

  it('honour until: a future one renders, a past one is refused', async () => {
    const path = `/render/acme/dynamic/resize-width-22/${protectedHash}.png`;
    const future = sign(withUntil(path, new Date(Date.now() + 3_600_000)));
    const rendered = await render(server, future);
    expect(rendered.status).toBe(200);
    // Not cached past the signature: at most the hour it has left, and not immutable.
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(rendered.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(3_000);
    expect(maxAge).toBeLessThanOrEqual(3_600);
    const past = sign(withUntil(path, new Date(Date.now() - 60_000)));
    expectError(asApiResult(await render(server, past)), 403, 'ORIGO_ERR_RENDER_SIGNATURE_EXPIRED');
  });
});

describe('protected stacks and protect_dynamic_stack', () => {
  it('a protected stack renders only signed', async () => {
    const made = await putStack(server, 'acme', 'members', {
      operations: [{ name: 'resize', options: { width: 30 } }],
      options: { protected: true },
    });
    expect(made.status, made.text).toBe(201);
    const path = `/render/acme/members/${hash}.png`;
    expectError(asApiResult(await render(server, path)), 403, 'ORIGO_ERR_RENDER_SIGNATURE_REQUIRED', 'stack');
    expect((await render(server, sign(path))).status).toBe(200);
  });

  it('protect_dynamic_stack refuses unsigned dynamic renders, not named stacks', async () => {
    await putStack(server, 'acme', 'open', { operations: [{ name: 'resize', options: { width: 30 } }] });
    const dynamicPath = `/render/acme/dynamic/resize-width-33/${hash}.png`;
    expect((await render(server, dynamicPath)).status).toBe(200);
    const set = await api(server, 'PUT', '/organizations/acme/options/protect_dynamic_stack', { body: 'true' });
    expect(set.status, set.text).toBeLessThan(300);
    try {
      expectError(
        asApiResult(await render(server, dynamicPath)),
        403,
        'ORIGO_ERR_RENDER_SIGNATURE_REQUIRED',
        'protect_dynamic_stack',
      );
      expect((await render(server, sign(dynamicPath))).status).toBe(200);
      expect((await render(server, `/render/acme/open/${hash}.png`)).status).toBe(200);
    } finally {
      await api(server, 'PUT', '/organizations/acme/options/protect_dynamic_stack', { body: 'false' });
    }
    expect((await render(server, dynamicPath)).status).toBe(200);
  });
});

describe('POST /utils/{org}/sign_url', () => {
  it('signs a render URL that then renders', async () => {
    const plain = `${server.url}/render/acme/dynamic/resize-width-24/${protectedHash}.png`;
    const res = await api(server, 'POST', '/utils/acme/sign_url', { body: JSON.stringify({ url: plain }) });
    expect(res.status, res.text).toBe(200);
    const signed: string = res.json.signed_url;
    expect(signed.startsWith(plain)).toBe(true);
    expect(signed).toBe(`${server.url}${sign(`/render/acme/dynamic/resize-width-24/${protectedHash}.png`)}`);
    const rendered = await fetch(signed);
    expect(rendered.status).toBe(200);
  });

  it('refuses a body without a url and needs a key', async () => {
    expectError(
      await api(server, 'POST', '/utils/acme/sign_url', { body: '{}' }),
      400,
      'ORIGO_ERR_REQUEST_BAD_BODY',
      'url',
    );
    const url = `${server.url}/render/acme/dynamic/resize-width-24/${protectedHash}.png`;
    const badUntil = await api(server, 'POST', '/utils/acme/sign_url', {
      body: JSON.stringify({ url, until: 'soon' }),
    });
    expectError(badUntil, 400, 'ORIGO_ERR_REQUEST_BAD_BODY', 'until', 'soon');
    const badRound = await api(server, 'POST', '/utils/acme/sign_url', {
      body: JSON.stringify({ url, round_date_up_to: -5 }),
    });
    expectError(badRound, 400, 'ORIGO_ERR_REQUEST_BAD_BODY', 'round_date_up_to');
    const unknown = await api(server, 'POST', '/utils/acme/sign_url', { body: JSON.stringify({ url, expires: 1 }) });
    expectError(unknown, 400, 'ORIGO_ERR_REQUEST_BAD_BODY', 'expires');
    const anonymous = await fetch(`${server.url}/utils/acme/sign_url`, { method: 'POST', body: '{"url":"x"}' });
    expect(anonymous.status).toBe(403);
  });
});
