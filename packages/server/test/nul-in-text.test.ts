// A NUL (U+0000) inside a text value a client sends is refused with a 400
// naming where it is, on every catalog alike (PostgreSQL's text cannot
// hold one; before this rule it answered 500 there and SQLite stored it),
// and nothing is written.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, expectError, jpeg, startServer, type TestServer, upload } from './helpers.ts';

let server: TestServer;
let hash: string;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  const created = await upload(server, 'acme', [{ name: 'a.jpg', bytes: await jpeg(3) }]);
  hash = created.json.items[0].hash;
});
afterAll(() => server?.close());

const value = 'before\u0000after';

describe('a NUL inside a text value', () => {
  it('in user metadata: 400 naming the field, and the metadata is unchanged', async () => {
    expect(
      (await api(server, 'PATCH', `/sourceimages/acme/${hash}/meta/user`, { body: JSON.stringify({ note: 'kept' }) }))
        .status,
    ).toBe(204);
    const patched = await api(server, 'PATCH', `/sourceimages/acme/${hash}/meta/user`, {
      body: JSON.stringify({ note: 'x', 'array:tags': ['ok', value] }),
    });
    expectError(patched, 400, 'ORIGO_ERR_REQUEST_NUL_CHARACTER', 'array:tags[1]', 'U+0000');
    const keyed = await api(server, 'PATCH', `/sourceimages/acme/${hash}/meta/user`, {
      body: JSON.stringify({ [value]: 'x' }),
    });
    expectError(keyed, 400, 'ORIGO_ERR_REQUEST_NUL_CHARACTER', 'before\\u0000after (a key)');
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}`)).json.user_metadata).toEqual({ note: 'kept' });
  });

  it('in dynamic metadata and an organization: 400, nothing made', async () => {
    const dynamic = await api(server, 'PUT', `/sourceimages/acme/${hash}/meta/dynamic/version`, {
      body: JSON.stringify({ text: value }),
    });
    expectError(dynamic, 400, 'ORIGO_ERR_REQUEST_NUL_CHARACTER', 'text');
    const org = await api(server, 'PUT', '/organizations/nul-org', {
      body: JSON.stringify({ display_name: value, billing_email: 'ops@example.com' }),
    });
    expectError(org, 400, 'ORIGO_ERR_REQUEST_NUL_CHARACTER', 'display_name');
    expect((await api(server, 'GET', '/organizations/nul-org')).status).toBe(404);
  });

  it('in a search or any other URL: 400 before anything runs', async () => {
    expectError(
      await api(server, 'GET', `/sourceimages/acme?user:note=${encodeURIComponent(value)}`),
      400,
      'ORIGO_ERR_REQUEST_NUL_CHARACTER',
      '%00',
    );
    expectError(
      await api(server, 'GET', `/sourceimages/acme?name=${encodeURIComponent(value)}`),
      400,
      'ORIGO_ERR_REQUEST_NUL_CHARACTER',
    );
    expectError(await api(server, 'GET', '/organizations/a%00b'), 400, 'ORIGO_ERR_REQUEST_NUL_CHARACTER');
  });

  it('in an upload field, escaped in JSON or raw: 400 naming the field, no image stored', async () => {
    const listed = async () => (await api(server, 'GET', '/sourceimages/acme')).json.total as number;
    const before = await listed();
    const escaped = await upload(server, 'acme', [{ name: 'b.jpg', bytes: await jpeg(4) }], {
      'meta_user[0]': JSON.stringify({ note: value }),
    });
    expectError(escaped, 400, 'ORIGO_ERR_UPLOAD_BAD_FIELD', 'meta_user[0]', 'note');
    const raw = await upload(server, 'acme', [{ name: 'c.jpg', bytes: await jpeg(5) }], {
      'meta_user[0][note]': value,
    });
    expectError(raw, 400, 'ORIGO_ERR_UPLOAD_BAD_FIELD', 'meta_user[0][note]', 'U+0000');
    expect(await listed()).toBe(before);
  });
});
