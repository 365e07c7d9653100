// Render URLs built and signed by the client, rendered by a real origo that
// asks for signatures: protect_dynamic_stack on, a protected named stack.

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, png, startServer, type TestServer, upload } from '../../server/test/helpers.ts';
import { renderUrl, signedRenderUrl, signUrl } from '../src/render/index.ts';

let server: TestServer;
let hash: string;
let key: string;

interface Answer {
  status: number;
  type: string | null;
  width: number | undefined;
  code: string | undefined;
}

async function render(url: string): Promise<Answer> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) {
    const body = JSON.parse(bytes.toString('utf8'));
    return { status: res.status, type: res.headers.get('content-type'), width: undefined, code: body.error.origo_code };
  }
  const { width } = await sharp(bytes).metadata();
  return { status: res.status, type: res.headers.get('content-type'), width, code: undefined };
}

beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
  const uploaded = await upload(server, 'acme', [{ name: 'sea.png', bytes: await png(7, 64, 48) }]);
  hash = uploaded.json.items[0].hash;
  const protect = await api(server, 'PUT', '/organizations/acme/options/protect_dynamic_stack', { body: 'true' });
  expect(protect.status, protect.text).toBe(200);
  const org = await api(server, 'GET', '/organizations/acme');
  key = org.json.signing_keys[0].key;
  const stack = await api(server, 'PUT', '/stacks/acme/teaser', {
    body: JSON.stringify({
      operations: [{ name: 'resize', options: { height: 40 }, expressions: { width: '$w + $d' } }],
      options: { protected: true },
      variables: { w: 10, d: 0 },
    }),
  });
  expect(stack.status, stack.text).toBe(201);
});

afterAll(async () => {
  await server?.close();
});

const at = () => ({ baseUrl: server.url, organization: 'acme', hash });

describe('signed render URLs against origo', () => {
  it('renders a signed dynamic URL, and refuses it unsigned or tampered with', async () => {
    const url = renderUrl({ ...at(), format: 'png', operations: [{ name: 'resize', options: { width: 20 } }] });
    expect(await render(url)).toMatchObject({ status: 403, code: 'ORIGO_ERR_RENDER_SIGNATURE_REQUIRED' });
    const signed = await signUrl(url, key);
    expect(await render(signed)).toEqual({ status: 200, type: 'image/png', width: 20, code: undefined });
    const tampered = signed.replace('width-20', 'width-21');
    expect(await render(tampered)).toMatchObject({ status: 403, code: 'ORIGO_ERR_RENDER_BAD_SIGNATURE' });
  });

  it('renders with an SEO name, kept or left out, and an expiry', async () => {
    const options = { ...at(), format: 'webp', operations: [{ name: 'resize' as const, options: { width: 16 } }] };
    const until = new Date(Date.now() + 3600_000);
    const kept = await signedRenderUrl({ ...options, seoName: 'Summer at the sea' }, key, { until, keepSeoName: true });
    expect(new URL(kept).pathname).toContain(`/${hash}/Summer-at-the-sea.webp`);
    expect(await render(kept)).toEqual({ status: 200, type: 'image/webp', width: 16, code: undefined });
    const dropped = await signedRenderUrl({ ...options, seoName: 'Summer at the sea' }, key, { until });
    expect(new URL(dropped).pathname).toMatch(new RegExp(`/${hash}\\.webp$`));
    expect(await render(dropped)).toMatchObject({ status: 200, width: 16 });
  });

  it('carries expressions, values with - and unset values as origo reads them', async () => {
    const url = renderUrl({
      ...at(),
      format: 'png',
      operations: [
        { name: 'resize', options: { width: '[10 + 8 - 4]', height: null, upscale: false } },
        { name: 'crop', options: { width: 10, height: 10, anchor: 'left-top' } },
        { name: 'grayscale' },
      ],
    });
    expect(url).toContain('anchor-left%2Dtop');
    expect(await render(await signUrl(url, key))).toEqual({
      status: 200,
      type: 'image/png',
      width: 10,
      code: undefined,
    });
    const wide = renderUrl({
      ...at(),
      format: 'png',
      operations: [{ name: 'resize', options: { width: '[10 + 8 - 4]' } }],
    });
    expect(await render(await signUrl(wide, key))).toMatchObject({ status: 200, width: 14 });
    // false is written as false (rokka.js writes __undefined__, which would mean the default, upscale true).
    const kept = renderUrl({
      ...at(),
      format: 'png',
      operations: [{ name: 'resize', options: { width: 100, upscale: false } }],
    });
    expect(await render(await signUrl(kept, key))).toMatchObject({ status: 200, width: 64 });
  });

  it('refuses a URL whose signature has expired', async () => {
    const url = renderUrl({ ...at(), format: 'png', operations: [{ name: 'resize', options: { width: 12 } }] });
    const expired = await signUrl(url, key, { until: new Date(Date.now() - 60_000), roundDateUpTo: 0 });
    expect(await render(expired)).toMatchObject({ status: 403, code: 'ORIGO_ERR_RENDER_SIGNATURE_EXPIRED' });
  });

  it('renders a protected named stack with variables in the path and in ?v=', async () => {
    const inPath = renderUrl({ ...at(), format: 'jpg', stack: 'teaser', variables: { w: 30 } });
    expect(new URL(inPath).pathname).toContain('/teaser/v-w-30/');
    expect(await render(inPath)).toMatchObject({ status: 403, code: 'ORIGO_ERR_RENDER_SIGNATURE_REQUIRED' });
    expect(await render(await signUrl(inPath, key))).toEqual({
      status: 200,
      type: 'image/jpeg',
      width: 30,
      code: undefined,
    });

    // A value with a '-' does not fit in a path group: it goes to ?v= as JSON.
    const inQuery = renderUrl({ ...at(), format: 'jpg', stack: 'teaser', variables: { w: 30, d: -5 } });
    expect(new URL(inQuery).pathname).toContain('/teaser/v-w-30/');
    expect(new URL(inQuery).searchParams.get('v')).toBe('{"d":-5}');
    expect(await render(await signUrl(inQuery, key))).toMatchObject({ status: 200, width: 25 });
  });

  it('leaves the default stack default: the stack variable applies', async () => {
    const url = await signedRenderUrl({ ...at(), format: 'png', stack: 'teaser', seoName: 'teaser' }, key);
    expect(await render(url)).toMatchObject({ status: 200, width: 10 });
  });
});
