// Listing and paging (numeric offsets, links, cursors), finding by binary
// hash, renaming, and the organization routes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, expectError, hashesOf, png, startServer, type TestServer, upload } from './helpers.ts';

interface Item {
  hash: string;
  binary_hash: string;
  name: string;
  created: string;
}

let server: TestServer;
/** Every image of acme, newest first (created desc, then hash asc). */
let expected: Item[] = [];

beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  const made: Item[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await upload(server, 'acme', [{ name: `img-${i}.png`, bytes: await png(10 + i * 20) }]);
    if (res.status !== 200) throw new Error(res.text);
    made.push(res.json.items[0]);
    server.advanceClock(60_000);
  }
  // Two images made at the same instant: ties are ordered by hash.
  const pair = await upload(server, 'acme', [
    { name: 'pair-a.png', bytes: await png(200) },
    { name: 'pair-b.png', bytes: await png(220) },
  ]);
  if (pair.status !== 200) throw new Error(pair.text);
  const tied = [...pair.json.items].sort((a: Item, b: Item) => (a.hash < b.hash ? -1 : 1));
  expected = [...tied, ...made.reverse()];
});
afterAll(() => server.close());

describe('listing', () => {
  it('lists newest first with total, items, a cursor and links', async () => {
    const res = await api(server, 'GET', '/sourceimages/acme');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json.total).toBe(7);
    expect(hashesOf(res)).toEqual(expected.map((i) => i.hash));
    expect(res.json.items.slice(2).map((i: Item) => i.name)).toEqual([
      'img-4.png',
      'img-3.png',
      'img-2.png',
      'img-1.png',
      'img-0.png',
    ]);
    expect(typeof res.json.cursor).toBe('string');
    expect(res.json.links).toEqual({});
  });

  it('pages with limit and numeric offset; links.next and links.prev carry offsets; no cursor', async () => {
    const first = await api(server, 'GET', '/sourceimages/acme?limit=2');
    expect(hashesOf(first)).toEqual(expected.slice(0, 2).map((i) => i.hash));
    expect(first.json.total).toBe(7);

    const page = await api(server, 'GET', '/sourceimages/acme?limit=2&offset=2');
    expect(page.status).toBe(200);
    expect(page.json.total).toBe(7);
    expect(hashesOf(page)).toEqual(expected.slice(2, 4).map((i) => i.hash));
    expect(page.json.cursor).toBeUndefined();
    expect(page.json.links).toEqual({
      next: { href: '/sourceimages/acme?limit=2&offset=4' },
      prev: { href: '/sourceimages/acme?limit=2' },
    });

    const third = await api(server, 'GET', '/sourceimages/acme?limit=2&offset=4');
    expect(third.json.links.prev).toEqual({ href: '/sourceimages/acme?limit=2&offset=2' });
    expect(third.json.links.next).toEqual({ href: '/sourceimages/acme?limit=2&offset=6' });

    const last = await api(server, 'GET', '/sourceimages/acme?limit=2&offset=6');
    expect(hashesOf(last)).toEqual([expected[6]!.hash]);
    expect(last.json.links.next).toBeUndefined();
    expect(last.json.links.prev).toEqual({ href: '/sourceimages/acme?limit=2&offset=4' });
    expect(last.json.cursor).toBeUndefined();

    const zero = await api(server, 'GET', '/sourceimages/acme?limit=2&offset=0');
    expect(zero.json.cursor).toBeUndefined();
    expect(zero.json.links).toEqual({ next: { href: '/sourceimages/acme?limit=2&offset=2' } });

    const past = await api(server, 'GET', '/sourceimages/acme?offset=50');
    expect(past.status).toBe(200);
    expect(past.json).toMatchObject({ total: 7, items: [] });
  });

  it('following cursors visits every image exactly once and ends with an empty page that still has a cursor', async () => {
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let res = await api(server, 'GET', `/sourceimages/acme?limit=${limit}`);
      let pages = 0;
      while (res.json.items.length > 0) {
        expect(res.status).toBe(200);
        expect(res.json.total).toBe(7);
        seen.push(...hashesOf(res));
        expect(typeof res.json.cursor).toBe('string');
        if (res.json.links.next) {
          expect(res.json.links.next.href).toBe(
            `/sourceimages/acme?limit=${limit}&offset=${encodeURIComponent(res.json.cursor)}`,
          );
        }
        res = await api(
          server,
          'GET',
          `/sourceimages/acme?limit=${limit}&offset=${encodeURIComponent(res.json.cursor)}`,
        );
        expect(++pages).toBeLessThan(20);
      }
      expect(seen).toEqual(expected.map((i) => i.hash));
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(7);
      expect(res.json.items).toEqual([]);
      expect(typeof res.json.cursor).toBe('string');
      expect(res.json.cursor.length).toBeGreaterThan(0);
      expect(res.json.links.next).toBeUndefined();
      // The empty page's cursor still works: another empty page.
      const again = await api(
        server,
        'GET',
        `/sourceimages/acme?limit=${limit}&offset=${encodeURIComponent(res.json.cursor)}`,
      );
      expect(again.status).toBe(200);
      expect(again.json.items).toEqual([]);
    }
  });

  it('a cursor keeps its place when a newer image arrives between pages (a numeric offset would not)', async () => {
    await createOrg(server, 'moving');
    const made: Item[] = [];
    for (let i = 0; i < 3; i++) {
      server.advanceClock(60_000);
      made.push(
        (await upload(server, 'moving', [{ name: `m-${i}.png`, bytes: await png(1 + i * 30, 8, 8) }])).json.items[0],
      );
    }
    const first = await api(server, 'GET', '/sourceimages/moving?limit=2');
    expect(hashesOf(first)).toEqual([made[2]!.hash, made[1]!.hash]);
    server.advanceClock(60_000);
    const newer = (await upload(server, 'moving', [{ name: 'newer.png', bytes: await png(250, 8, 8) }])).json
      .items[0] as Item;
    const next = await api(
      server,
      'GET',
      `/sourceimages/moving?limit=2&offset=${encodeURIComponent(first.json.cursor)}`,
    );
    expect(next.json.total).toBe(4);
    expect(hashesOf(next)).toEqual([made[0]!.hash]);
    const shifted = await api(server, 'GET', '/sourceimages/moving?limit=2&offset=2');
    expect(hashesOf(shifted)).toEqual([made[1]!.hash, made[0]!.hash]);
    expect(hashesOf(await api(server, 'GET', '/sourceimages/moving?limit=1'))).toEqual([newer.hash]);
  });

  it('refuses a garbage cursor and a cursor of a deleted=true listing with 400', async () => {
    expectError(
      await api(server, 'GET', '/sourceimages/acme?offset=garbage!'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'offset',
      '"garbage!"',
      'cursor',
    );
    const forged = Buffer.from(JSON.stringify({ v: 2, c: 1, h: '' })).toString('base64url');
    expectError(
      await api(server, 'GET', `/sourceimages/acme?offset=${forged}`),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      forged,
    );

    const deleted = await api(server, 'GET', '/sourceimages/acme?deleted=true&limit=1');
    expect(deleted.status).toBe(200);
    expect(deleted.json.total).toBe(0);
    const cursor = deleted.json.cursor as string;
    expect(typeof cursor).toBe('string');
    expectError(
      await api(server, 'GET', `/sourceimages/acme?offset=${encodeURIComponent(cursor)}`),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'deleted',
    );
    // With deleted=true it is fine.
    expect(
      (await api(server, 'GET', `/sourceimages/acme?deleted=true&offset=${encodeURIComponent(cursor)}`)).status,
    ).toBe(200);
    // And a live cursor is refused by a deleted=true listing.
    const live = await api(server, 'GET', '/sourceimages/acme?limit=1');
    expectError(
      await api(server, 'GET', `/sourceimages/acme?deleted=true&offset=${encodeURIComponent(live.json.cursor)}`),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'deleted',
    );
  });

  it('refuses limits outside 0..2000 and offset + limit over 10000 with 400', async () => {
    expectError(
      await api(server, 'GET', '/sourceimages/acme?limit=2001'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'limit',
      '"2001"',
      '2000',
    );
    expectError(
      await api(server, 'GET', '/sourceimages/acme?limit=-1'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'limit',
      '"-1"',
    );
    expectError(
      await api(server, 'GET', '/sourceimages/acme?limit=abc'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      '"abc"',
    );
    expect((await api(server, 'GET', '/sourceimages/acme?limit=2000')).status).toBe(200);
    expectError(
      await api(server, 'GET', '/sourceimages/acme?offset=9999&limit=2'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      '10000',
      'cursor',
    );
    expectError(
      await api(server, 'GET', '/sourceimages/acme?offset=9950'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'offset + limit',
    );
    expect((await api(server, 'GET', '/sourceimages/acme?offset=9998&limit=2')).status).toBe(200);
  });

  it('answers limit=0 with the total and no items', async () => {
    const res = await api(server, 'GET', '/sourceimages/acme?limit=0');
    expect(res.status).toBe(200);
    expect(res.json.total).toBe(7);
    expect(res.json.items).toEqual([]);
  });

  it('refuses an unknown query parameter with 400 naming it', async () => {
    // sort=name is valid since search landed (issue 4); an unknown field is still refused.
    expectError(await api(server, 'GET', '/sourceimages/acme?foo=1'), 400, 'ORIGO_ERR_SEARCH_BAD_PARAMETER', '"foo"');
    expectError(
      await api(server, 'GET', '/sourceimages/acme?limit=1&limit=2'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'limit',
      'more than once',
    );
    expectError(
      await api(server, 'GET', '/sourceimages/acme?deleted=maybe'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'deleted',
      '"maybe"',
    );
  });
});

describe('find by binary hash', () => {
  it('finds images by ?binaryHash= and by /binaryhash/{bh}', async () => {
    const target = expected[3]!;
    for (const path of [
      `/sourceimages/acme?binaryHash=${target.binary_hash}`,
      `/sourceimages/acme/binaryhash/${target.binary_hash}`,
    ]) {
      const res = await api(server, 'GET', path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.json.total).toBe(1);
      expect(res.json.items).toHaveLength(1);
      expect(res.json.items[0]).toMatchObject({
        hash: target.hash,
        binary_hash: target.binary_hash,
        organization: 'acme',
      });
    }
    const upper = await api(server, 'GET', `/sourceimages/acme/binaryhash/${target.binary_hash.toUpperCase()}`);
    expect(upper.json.total).toBe(1);
  });

  it('answers total 0 when nothing matches and 400 for a malformed binary hash', async () => {
    const none = '0123456789abcdef0123456789abcdef01234567';
    for (const path of [`/sourceimages/acme?binaryHash=${none}`, `/sourceimages/acme/binaryhash/${none}`]) {
      const res = await api(server, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ total: 0, items: [] });
    }
    expectError(
      await api(server, 'GET', '/sourceimages/acme?binaryHash=xyz'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      '"xyz"',
    );
    expectError(
      await api(server, 'GET', '/sourceimages/acme/binaryhash/xyz'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      '"xyz"',
    );
  });
});

describe('rename', () => {
  it('renames with a JSON string and with a raw unquoted body (204)', async () => {
    const target = expected[4]!;
    const json = await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, {
      body: '"new.jpg"',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status, json.text).toBe(204);
    expect(json.text).toBe('');
    expect((await api(server, 'GET', `/sourceimages/acme/${target.hash}`)).json.name).toBe('new.jpg');

    const raw = await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, {
      body: 'raw name.jpg',
      headers: { 'content-type': 'text/plain' },
    });
    expect(raw.status, raw.text).toBe(204);
    expect((await api(server, 'GET', `/sourceimages/acme/${target.hash}`)).json.name).toBe('raw name.jpg');

    const noType = await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, { body: '"ünïcode.jpg"' });
    expect(noType.status).toBe(204);
    expect((await api(server, 'GET', `/sourceimages/acme/${target.hash}`)).json.name).toBe('ünïcode.jpg');
  });

  it('refuses an empty name with 400 and keeps the old one', async () => {
    const target = expected[5]!;
    const before = (await api(server, 'GET', `/sourceimages/acme/${target.hash}`)).json.name;
    expectError(
      await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, { body: '' }),
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
      'name',
    );
    expectError(
      await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, { body: '""' }),
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
    );
    expectError(
      await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, { body: '"   "' }),
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
    );
    expectError(
      await api(server, 'PUT', `/sourceimages/acme/${target.hash}/name`, { body: '42' }),
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
    );
    expect((await api(server, 'GET', `/sourceimages/acme/${target.hash}`)).json.name).toBe(before);
    expectError(
      await api(server, 'PUT', `/sourceimages/acme/${'0'.repeat(40)}/name`, { body: '"x.jpg"' }),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
    );
  });
});

describe('organizations', () => {
  it('creates an organization (200) and reads it back', async () => {
    const res = await api(server, 'PUT', '/organizations/beta-2', {
      body: JSON.stringify({ billing_email: 'b@example.com', display_name: 'Beta Two' }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toMatchObject({
      name: 'beta-2',
      display_name: 'Beta Two',
      billing_email: 'b@example.com',
      master_organization: 'beta-2',
    });
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.created).toMatch(/\+00:00$/);

    const got = await api(server, 'GET', '/organizations/beta-2');
    expect(got.status).toBe(200);
    expect(got.json).toEqual(res.json);
    expect((await api(server, 'GET', '/sourceimages/beta-2')).json).toMatchObject({ total: 0, items: [] });
  });

  it('refuses an invalid name with 400 and a taken one with 409', async () => {
    for (const bad of ['Bad_Name', '-dash', 'a'.repeat(64)]) {
      expectError(
        await api(server, 'PUT', `/organizations/${bad}`, { body: '{}' }),
        400,
        'ORIGO_ERR_ORG_INVALID_NAME',
        JSON.stringify(bad),
      );
    }
    expectError(await api(server, 'PUT', '/organizations/acme', { body: '{}' }), 409, 'ORIGO_ERR_ORG_EXISTS', '"acme"');
  });

  it('answers 404 for an unknown organization', async () => {
    expectError(await api(server, 'GET', '/organizations/nobody'), 404, 'ORIGO_ERR_ORG_NOT_FOUND', '"nobody"');
  });
});
