// Limits on rendering (spec RENDER.md §8): a per-organization budget of
// uncached renders a minute (cached ones are always served), identical
// renders at once done once, output pixel limits, deleted images, and
// host-based render URLs behind ORIGO_RENDER_DOMAIN.

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import { asApiResult, decode, quartersPng, render, uploaded } from './render-api.ts';

describe('the budget of uncached renders', () => {
  let server: TestServer;
  let hash: string;
  beforeAll(async () => {
    server = await startServer({ ORIGO_RENDERS_PER_MINUTE: '2' }, { frozenClock: true });
    await createOrg(server, 'acme');
    await createOrg(server, 'other');
    hash = await uploaded(server, 'acme', await quartersPng(200, 100));
    await uploaded(server, 'other', await quartersPng(200, 100));
  });
  afterAll(() => server.close());

  it('refuses the third distinct render of a minute but still serves cached ones', async () => {
    const path = (w: number, org = 'acme') => `/render/${org}/dynamic/resize-width-${w}/${hash}.png`;
    expect((await render(server, path(10))).status).toBe(200);
    expect((await render(server, path(11))).status).toBe(200);
    const refused = await render(server, path(12));
    expectError(asApiResult(refused), 429, 'ORIGO_ERR_RENDER_TOO_MANY_RENDERS', 'acme');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const cached = await render(server, path(10));
    expect(cached.status).toBe(200);
    expect(cached.headers.get('x-origo-render')).toBe('cache');
    // Another organization has its own budget.
    expect((await render(server, path(12, 'other'))).status).toBe(200);
    server.advanceClock(60_000);
    expect((await render(server, path(12))).status).toBe(200);
  });
});

describe('identical renders at once', () => {
  let server: TestServer;
  let hash: string;
  beforeAll(async () => {
    // A budget of one: a second real render of the same URL would be refused.
    server = await startServer({ ORIGO_RENDERS_PER_MINUTE: '1' }, { frozenClock: true });
    await createOrg(server, 'acme');
    hash = await uploaded(server, 'acme', await quartersPng(400, 300));
  });
  afterAll(() => server.close());

  it('are rendered once and all answered', async () => {
    const path = `/render/acme/dynamic/resize-width-123--blur-sigma-2/${hash}.webp`;
    const answers = await Promise.all(Array.from({ length: 6 }, () => render(server, path)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const a of answers) expect(a.bytes.equals(answers[0]!.bytes)).toBe(true);
    expect((await decode(answers[0]!.bytes)).width).toBe(123);
  });
});

describe('pixel limits and deleted images', () => {
  let server: TestServer;
  let hash: string;
  beforeAll(async () => {
    server = await startServer({ ORIGO_MAX_PIXELS: '20000' });
    await createOrg(server, 'acme');
    hash = await uploaded(server, 'acme', await quartersPng(200, 100));
  });
  afterAll(() => server.close());

  it('refuses an output larger than the pixel limit, naming its size', async () => {
    const res = await render(server, `/render/acme/dynamic/resize-width-400/${hash}.png`);
    expectError(asApiResult(res), 400, 'ORIGO_ERR_RENDER_TOO_MANY_PIXELS', '400');
    expect((await render(server, `/render/acme/dynamic/resize-width-100/${hash}.png`)).status).toBe(200);
  });

  it('stops rendering a deleted image, even one whose render is cached', async () => {
    const path = `/render/acme/dynamic/resize-width-50/${hash}.png`;
    await render(server, path);
    expect((await render(server, path)).headers.get('x-origo-render')).toBe('cache');
    expect((await api(server, 'DELETE', `/sourceimages/acme/${hash}`)).status).toBe(204);
    expectError(asApiResult(await render(server, path)), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
  });
});

describe('host-based renders (ORIGO_RENDER_DOMAIN)', () => {
  let server: TestServer;
  let hash: string;
  beforeAll(async () => {
    server = await startServer({ ORIGO_RENDER_DOMAIN: 'img.example.test' });
    await createOrg(server, 'acme');
    hash = await uploaded(server, 'acme', await quartersPng(200, 100));
  });
  afterAll(() => server.close());

  /** fetch cannot set Host: a raw request can. */
  function getWithHost(host: string, path: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}${path}`, { headers: { host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('renders {org}.{domain}/{stack}/… like /render/{org}/{stack}/…', async () => {
    const res = await getWithHost('acme.img.example.test', `/dynamic/resize-width-40/${hash}.png`);
    expect(res.status).toBe(200);
    expect((await decode(res.body)).width).toBe(40);
    // Other hosts still reach the API.
    const apiHost = await getWithHost('api.example.test', `/render/acme/dynamic/resize-width-40/${hash}.png`);
    expect(apiHost.status).toBe(200);
  });

  it('verifies signatures over the path as the render host received it', async () => {
    const org = await api(server, 'GET', '/organizations/acme');
    const key: string = org.json.signing_keys[0].key;
    await api(server, 'PUT', '/organizations/acme/options/protect_dynamic_stack', { body: 'true' });
    const path = `/dynamic/resize-width-41/${hash}.png`;
    const sig = createHash('sha256').update(`${path}:${key}`).digest('hex').slice(0, 16);
    expect((await getWithHost('acme.img.example.test', path)).status).toBe(403);
    expect((await getWithHost('acme.img.example.test', `${path}?sig=${sig}`)).status).toBe(200);
  });
});
