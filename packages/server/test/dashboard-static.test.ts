// /dashboard/: the built dashboard's files, index.html for the dashboard's own
// paths, caching and compression, and clear refusals. A small build made here
// stands in for Vite's output, so these facts hold whatever the dashboard holds.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, readResult, startServer, type TestServer } from './helpers.ts';

const INDEX = '<!doctype html><title>origo</title><script type="module" src="/dashboard/assets/app-1a2b.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

let server: TestServer;
let unbuilt: TestServer;
let disabled: TestServer;

beforeAll(async () => {
  // The build's folder sits in a temp folder of its own, beside a file that must never be served.
  const parent = mkdtempSync(path.join(os.tmpdir(), 'origo-dashboard-'));
  const dist = path.join(parent, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'assets', 'app-1a2b.js'), SCRIPT);
  writeFileSync(path.join(parent, 'origo-dashboard-secret.txt'), 'not for the web');
  [server, unbuilt, disabled] = await Promise.all([
    startServer({}, { storage: 'embedded', dashboardDir: dist }),
    startServer({}, { storage: 'embedded', dashboardDir: path.join(dist, 'missing') }),
    startServer({ ORIGO_DASHBOARD: 'false' }, { storage: 'embedded', dashboardDir: dist }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), unbuilt?.close(), disabled?.close()]);
});

const get = (target: TestServer, url: string, headers: Record<string, string> = {}) =>
  fetch(target.url + url, { headers, redirect: 'manual' });

describe('the dashboard at /dashboard/', () => {
  it('redirects /dashboard to /dashboard/', async () => {
    const res = await get(server, '/dashboard');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/dashboard/');
  });

  it('answers index.html, never cached stale and never framed, with a content security policy', async () => {
    const res = await get(server, '/dashboard/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.text()).toBe(INDEX);
  });

  it("answers index.html for the dashboard's own paths, so they can be reloaded", async () => {
    for (const page of ['/dashboard/images/0123abcd', '/dashboard/stacks/thumbnail', '/dashboard/team']) {
      const res = await get(server, page);
      expect(res.status, page).toBe(200);
      expect(await res.text(), page).toBe(INDEX);
    }
  });

  it('serves a built asset with its type, cached for good, gzipped when asked', async () => {
    const plain = await get(server, '/dashboard/assets/app-1a2b.js', { 'Accept-Encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);

    // fetch() would unzip on its own: read the raw answer through a raw request instead.
    const zipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ get: httpGet }) => {
        httpGet(`${server.url}/dashboard/assets/app-1a2b.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject);
      }, reject);
    });
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(gunzipSync(zipped.body).toString()).toBe(SCRIPT);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get(server, '/dashboard/assets/app-1a2b.js');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await get(server, '/dashboard/assets/app-1a2b.js', { 'If-None-Match': etag ?? '' });
    expect(again.status).toBe(304);
  });

  it('answers 404 for an asset that is not in the build, not the HTML page', async () => {
    const res = await readResult(await get(server, '/dashboard/assets/app-old.js'));
    expectError(res, 404, 'ORIGO_ERR_REQUEST_NOT_FOUND', 'assets/app-old.js');
  });

  it('never serves a file outside the build, however the path is spelled', async () => {
    for (const attempt of [
      '/dashboard/../origo-dashboard-secret.txt',
      '/dashboard/%2e%2e/origo-dashboard-secret.txt',
      '/dashboard/..%2forigo-dashboard-secret.txt',
      '/dashboard/assets/..%2f..%2forigo-dashboard-secret.txt',
    ]) {
      const res = await get(server, attempt);
      const text = await res.text();
      expect(text, attempt).not.toContain('not for the web');
    }
  });

  it('says how to build the dashboard on a node where it was never built', async () => {
    const res = await readResult(await get(unbuilt, '/dashboard/'));
    expectError(res, 404, 'ORIGO_ERR_DASHBOARD_NOT_BUILT', 'npm run build');
  });

  it('is not served at all with ORIGO_DASHBOARD=false', async () => {
    const res = await readResult(await get(disabled, '/dashboard/'));
    expectError(res, 404, 'ORIGO_ERR_REQUEST_NOT_FOUND');
  });
});
