import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('API documentation', () => {
  it('serves an OpenAPI 3 document generated from the routes at /doc.json, without a key', async () => {
    const res = await fetch(`${server.url}/doc.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/sourceimages/{org}',
        '/sourceimages/{org}/{hash}',
        '/sourceimages/{org}/{hash}/download',
        '/organizations/{org}',
      ]),
    );
    expect(doc.paths['/sourceimages/{org}/{hash}'].get.responses['200']).toBeDefined();
  });

  it('serves Swagger UI at /doc', async () => {
    const res = await fetch(`${server.url}/doc/`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/swagger/i);
  });
});
