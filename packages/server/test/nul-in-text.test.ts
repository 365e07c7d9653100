// A NUL (U+0000) inside a text value a client sends: origo either keeps it
// and gives it back as sent, or refuses it with a 400 naming the field,
// never a 500, whatever the catalog. (SQLite text holds a NUL; PostgreSQL's
// cannot, so there a NUL reaching the database fails the request.)

import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type ApiResult, api, createOrg, jpeg, startServer, type TestServer, upload } from './helpers.ts';
import { itFailsOnPostgres } from './test-storage.ts';

let server: TestServer;
let hash: string;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  const created = await upload(server, 'acme', [{ name: 'a.jpg', bytes: await jpeg(3) }]);
  hash = created.json.items[0].hash;
});
afterAll(() => server?.close());

/** Kept (2xx) or refused as bad input (400), never a server error. */
function expectKeptOrRefused(res: ApiResult, what: string): boolean {
  expect([200, 201, 204, 400], `${what}: ${res.text}`).toContain(res.status);
  return res.status !== 400;
}

// Known PostgreSQL bug (issue 10 item 6 report): every one of these answers
// 500 there ("invalid byte sequence for encoding UTF8: 0x00").
describe('a NUL inside a text value', () => {
  itFailsOnPostgres('in user metadata, dynamic metadata, a search and an organization is kept or refused, never a 500', async () => {
    const value = 'before\u0000after';
    const patched = await api(server, 'PATCH', `/sourceimages/acme/${hash}/meta/user`, { body: JSON.stringify({ note: value, 'array:tags': [value] }) });
    if (expectKeptOrRefused(patched, 'PATCH meta/user')) {
      const image = await api(server, 'GET', `/sourceimages/acme/${hash}`);
      expect(image.json.user_metadata).toMatchObject({ note: value, 'array:tags': [value] });
    }
    expectKeptOrRefused(await api(server, 'GET', `/sourceimages/acme?user:note=${encodeURIComponent(value)}`), 'search by user:note');
    expectKeptOrRefused(await api(server, 'GET', `/sourceimages/acme?name=${encodeURIComponent(value)}`), 'search by name');
    expectKeptOrRefused(
      await api(server, 'PUT', `/sourceimages/acme/${hash}/meta/dynamic/version`, { body: JSON.stringify({ text: value }) }),
      'PUT meta/dynamic/version',
    );
    const uploaded = await upload(server, 'acme', [{ name: 'b.jpg', bytes: await jpeg(4) }], { 'meta_user[0]': JSON.stringify({ note: value }) });
    expectKeptOrRefused(uploaded, 'upload with meta_user');
    const org = await api(server, 'PUT', '/organizations/nul-org', { body: JSON.stringify({ display_name: value, billing_email: 'ops@example.com' }) });
    if (expectKeptOrRefused(org, 'PUT organization')) {
      expect((await api(server, 'GET', '/organizations/nul-org')).json.display_name).toBe(value);
    }
  });
});
