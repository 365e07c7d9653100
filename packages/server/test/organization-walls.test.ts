// Organizations are walls: a key or token of one organization can neither
// read, change nor copy anything of another, the refusals leak nothing, and
// both organizations are left exactly as they were.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from './access-matrix-routes.ts';
import { imageCount } from './catalog-rows.ts';
import { form, jpeg, startServer, type TestServer } from './helpers.ts';
import { type CallOptions, type CallResult, call, root, signUp, uploadAs } from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('organizations are walls', () => {
  let a: { key: string };
  let b: { key: string };
  let imageA: Image;
  let imageB: Image & { short_hash: string };
  let before: CallResult;

  beforeAll(async () => {
    a = await signUp(server, 'wall-a');
    b = await signUp(server, 'wall-b');
    imageA = await uploadAs(server, a.key, 'wall-a', 'a.jpg', await jpeg(11));
    imageB = await uploadAs(server, b.key, 'wall-b', 'b.jpg', await jpeg(12), {
      'meta_user[0]': JSON.stringify({ owner: 'b' }),
    });
    before = await call(server, 'GET', `/sourceimages/wall-b/${imageB.hash}`, root());
  });

  /** Everything a key of wall-a might try on wall-b. */
  function attempts(): { what: string; method: string; path: string; options?: CallOptions }[] {
    const h = imageB.hash;
    return [
      { what: 'list', method: 'GET', path: '/sourceimages/wall-b' },
      { what: 'find by binary hash', method: 'GET', path: `/sourceimages/wall-b/binaryhash/${imageB.binary_hash}` },
      { what: 'get', method: 'GET', path: `/sourceimages/wall-b/${h}` },
      { what: 'get by short hash', method: 'GET', path: `/sourceimages/wall-b/${imageB.short_hash}` },
      { what: 'get a hash that does not exist', method: 'GET', path: `/sourceimages/wall-b/${'0'.repeat(40)}` },
      { what: 'download', method: 'GET', path: `/sourceimages/wall-b/${h}/download` },
      { what: 'download headers', method: 'HEAD', path: `/sourceimages/wall-b/${h}/download` },
      { what: 'read metadata', method: 'GET', path: `/sourceimages/wall-b/${h}/meta/user` },
      { what: 'read a metadata field', method: 'GET', path: `/sourceimages/wall-b/${h}/meta/user/owner` },
      {
        what: 'replace metadata',
        method: 'PUT',
        path: `/sourceimages/wall-b/${h}/meta/user`,
        options: { json: { owner: 'a' } },
      },
      {
        what: 'merge metadata',
        method: 'PATCH',
        path: `/sourceimages/wall-b/${h}/meta/user`,
        options: { json: { owner: 'a' } },
      },
      {
        what: 'set a metadata field',
        method: 'PUT',
        path: `/sourceimages/wall-b/${h}/meta/user/owner`,
        options: { json: 'a' },
      },
      { what: 'clear metadata', method: 'DELETE', path: `/sourceimages/wall-b/${h}/meta/user` },
      {
        what: 'set dynamic metadata',
        method: 'PUT',
        path: `/sourceimages/wall-b/${h}/meta/dynamic/subject_area`,
        options: { json: { x: 0, y: 0, width: 2, height: 2 } },
      },
      { what: 'rename', method: 'PUT', path: `/sourceimages/wall-b/${h}/name`, options: { json: 'stolen.jpg' } },
      { what: 'lock', method: 'PUT', path: `/sourceimages/wall-b/${h}/options/locked`, options: { json: true } },
      { what: 'protect', method: 'PUT', path: `/sourceimages/wall-b/${h}/options/protected`, options: { json: true } },
      { what: 'delete', method: 'DELETE', path: `/sourceimages/wall-b/${h}` },
      {
        what: 'delete by binary hash',
        method: 'DELETE',
        path: `/sourceimages/wall-b?binaryHash=${imageB.binary_hash}`,
      },
      { what: 'restore', method: 'POST', path: `/sourceimages/wall-b/${h}/restore` },
      {
        what: 'upload',
        method: 'POST',
        path: '/sourceimages/wall-b',
        options: { body: form([{ name: 'x.jpg', bytes: Buffer.alloc(0) }]) },
      },
      {
        what: 'copy out (COPY)',
        method: 'COPY',
        path: `/sourceimages/wall-b/${h}`,
        options: { headers: { destination: 'wall-a' } },
      },
      {
        what: 'copy out (POST)',
        method: 'POST',
        path: `/sourceimages/wall-b/${h}/copy`,
        options: { headers: { destination: 'wall-a' } },
      },
      {
        what: 'batch copy out',
        method: 'POST',
        path: '/sourceimages/wall-b/copy',
        options: { json: [h], headers: { destination: 'wall-a' } },
      },
      {
        what: 'copy in (COPY)',
        method: 'COPY',
        path: `/sourceimages/wall-a/${imageA.hash}`,
        options: { headers: { destination: 'wall-b' } },
      },
      {
        what: 'copy in (POST)',
        method: 'POST',
        path: `/sourceimages/wall-a/${imageA.hash}/copy`,
        options: { headers: { destination: 'wall-b' } },
      },
      {
        what: 'batch copy in',
        method: 'POST',
        path: '/sourceimages/wall-a/copy',
        options: { json: [imageA.hash], headers: { destination: 'wall-b' } },
      },
      { what: 'read the organization', method: 'GET', path: '/organizations/wall-b' },
      { what: 'list its members', method: 'GET', path: '/organizations/wall-b/memberships' },
      {
        what: 'join it',
        method: 'PUT',
        path: '/organizations/wall-b/memberships/x',
        options: { json: { roles: ['admin'] } },
      },
      {
        what: 'add a member to it',
        method: 'POST',
        path: '/organizations/wall-b/memberships',
        options: { json: { roles: ['admin'] } },
      },
    ];
  }

  it('refuses every read, change and copy of a foreign organization with 403, by key and by token', async () => {
    const token = (await call(server, 'GET', '/user/apikeys/token', { key: a.key })).json.token as string;
    expect(token).toEqual(expect.any(String));
    const failures: string[] = [];
    for (const attempt of attempts()) {
      for (const credentials of [{ key: a.key }, { token }]) {
        const res = await call(server, attempt.method, attempt.path, { ...attempt.options, ...credentials });
        const how = credentials.key ? 'key' : 'token';
        if (res.status !== 403) failures.push(`${attempt.what} (${how}): ${res.status} ${res.text.slice(0, 160)}`);
        else if (attempt.method !== 'HEAD' && res.json?.error?.origo_code !== 'ORIGO_ERR_AUTH_FORBIDDEN') {
          failures.push(`${attempt.what} (${how}): 403 for the wrong reason: ${res.text.slice(0, 160)}`);
        }
        // Nothing of wall-b leaks into the refusal.
        if (res.text.includes(imageB.binary_hash) || res.text.includes('b.jpg'))
          failures.push(`${attempt.what} (${how}): leaks ${res.text}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('left both organizations exactly as they were', async () => {
    const after = await call(server, 'GET', `/sourceimages/wall-b/${imageB.hash}`, root());
    expect(after.status).toBe(200);
    expect(after.json).toEqual(before.json);
    expect(after.json.user_metadata).toEqual({ owner: 'b' });
    expect(after.json.locked).toBe(false);
    expect(after.json.name).toBe('b.jpg');
    expect(await imageCount(server, 'wall-b')).toBe(1);
    expect(await imageCount(server, 'wall-a')).toBe(1);
    expect((await call(server, 'GET', `/sourceimages/wall-a/${imageB.hash}`, root())).status).toBe(404);
    expect((await call(server, 'GET', `/sourceimages/wall-b/${imageA.hash}`, root())).status).toBe(404);
    const members = await call(server, 'GET', '/organizations/wall-b/memberships', root());
    expect(members.json.total).toBe(1);
  });

  it('the same reads succeed for the owner (the refusals are not malformed requests)', async () => {
    for (const attempt of attempts().filter((x) => x.method === 'GET' && !x.what.includes('does not exist'))) {
      const res = await call(server, attempt.method, attempt.path, { ...attempt.options, key: b.key });
      expect(res.status, `${attempt.what}: ${res.text.slice(0, 160)}`).toBe(200);
    }
    // And copying wall-a's image out to wall-a's own second organization works for a, so copy refusals were the wall.
    const put = await call(server, 'PUT', '/organizations/wall-a2', { key: a.key, json: {} });
    expect(put.status).toBe(200);
    const copied = await call(server, 'COPY', `/sourceimages/wall-a/${imageA.hash}`, {
      key: a.key,
      headers: { destination: 'wall-a2' },
    });
    expect(copied.status).toBe(201);
  });
});
