// Copying images between organizations (spec §2.1, §2.2): COPY and POST
// …/copy with a Destination header, batch copy, and the rokka client.

import { Rokka } from 'rokka';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { expectError, startServer, type TestServer } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';
import { type CallResult, call, root, signUp, uploadAs } from './tenancy-helpers.ts';

let server: TestServer;
let owner: { userId: string; key: string };
let seed = 0;

beforeAll(async () => {
  server = await startServer();
  owner = await signUp(server, 'cp-src');
  // The owner makes the destination itself, so it is its admin there too.
  for (const org of ['cp-dst', 'cp-dst2']) {
    const res = await call(server, 'PUT', `/organizations/${org}`, { key: owner.key, json: {} });
    if (res.status !== 200) throw new Error(res.text);
  }
  // Only read in cp-ro.
  await call(server, 'PUT', '/organizations/cp-ro', root({ json: {} }));
  const res = await call(
    server,
    'PUT',
    `/organizations/cp-ro/memberships/${owner.userId}`,
    root({ json: { roles: ['read'] } }),
  );
  if (res.status !== 201) throw new Error(res.text);
});
afterAll(() => server.close());

interface Image {
  hash: string;
  short_hash: string;
  binary_hash: string;
  name: string;
  user_metadata: Record<string, unknown>;
  dynamic_metadata: Record<string, unknown>;
  static_metadata?: Record<string, unknown>;
}

/** A new image in cp-src with EXIF (static metadata), user and dynamic metadata. */
async function newImage(): Promise<{ image: Image; bytes: Buffer }> {
  seed++;
  const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: seed, g: 50, b: 90 } } })
    .withExif({ IFD0: { Copyright: `origo copy ${seed}` } })
    .jpeg()
    .toBuffer();
  const image = await uploadAs(server, owner.key, 'cp-src', `photo-${seed}.jpg`, bytes, {
    'meta_user[0]': JSON.stringify({ title: `Photo ${seed}`, 'int:rank': seed }),
    'meta_dynamic[0][subject_area]': JSON.stringify({ x: 1, y: 2, width: 10, height: 10 }),
  });
  return { image, bytes };
}

function copy(
  hash: string,
  destination: string | undefined,
  extra: Record<string, string> = {},
  method = 'COPY',
  org = 'cp-src',
  key = owner.key,
) {
  const headers: Record<string, string> = { ...extra };
  if (destination !== undefined) headers['destination'] = destination;
  const pathname = method === 'COPY' ? `/sourceimages/${org}/${hash}` : `/sourceimages/${org}/${hash}/copy`;
  return call(server, method, pathname, { key, headers });
}

const get = (org: string, hash: string) => call(server, 'GET', `/sourceimages/${org}/${hash}`, { key: owner.key });

function expectCode(res: CallResult, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json.error.origo_code).toBe(code);
}

/** The fields a copy carries over (everything but the organization and link). */
function carried(json: Record<string, unknown>) {
  const { organization: _o, link: _l, ...rest } = json;
  return rest;
}

describe('COPY /sourceimages/{org}/{hash}', () => {
  it('makes the image at the destination with the same hash, metadata and name, sharing the stored bytes (201 {})', async () => {
    const { image, bytes } = await newImage();
    expect(image.static_metadata).toBeDefined();
    expect(Object.keys(image.dynamic_metadata)).toEqual(['subject_area']);
    const blobsBefore = (await blobFiles(server)).blobs.length;
    const res = await copy(image.hash, 'cp-dst');
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual({});
    expect((await blobFiles(server)).blobs.length).toBe(blobsBefore);

    const source = await get('cp-src', image.hash);
    const copied = await get('cp-dst', image.hash);
    expect(copied.status).toBe(200);
    expect(copied.json.organization).toBe('cp-dst');
    expect(copied.json.link).toBe(`/sourceimages/cp-dst/${image.hash}`);
    expect(carried(copied.json)).toEqual(carried(source.json));
    expect(copied.json.name).toBe(image.name);
    expect(copied.json.user_metadata).toEqual({ title: `Photo ${seed}`, 'int:rank': seed });
    const download = await fetch(`${server.url}/sourceimages/cp-dst/${image.hash}/download`, {
      headers: { 'api-key': owner.key },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('also answers POST …/{hash}/copy, and takes a short hash', async () => {
    const { image } = await newImage();
    const res = await copy(image.hash, 'cp-dst', {}, 'POST');
    expect(res.status).toBe(201);
    expect(res.json).toEqual({});
    const { image: second } = await newImage();
    expect((await copy(second.short_hash, 'cp-dst')).status).toBe(201);
    expect((await get('cp-dst', second.hash)).json.hash).toBe(second.hash);
  });

  it('leaves the two independent afterwards', async () => {
    const { image, bytes } = await newImage();
    expect((await copy(image.hash, 'cp-dst')).status).toBe(201);
    const patch = await call(server, 'PATCH', `/sourceimages/cp-dst/${image.hash}/meta/user`, {
      key: owner.key,
      json: { title: 'Changed in dst' },
    });
    expect(patch.status).toBe(204);
    expect(
      (await call(server, 'PUT', `/sourceimages/cp-src/${image.hash}/name`, { key: owner.key, json: 'renamed.jpg' }))
        .status,
    ).toBe(204);
    expect((await get('cp-src', image.hash)).json.user_metadata.title).toBe(`Photo ${seed}`);
    expect((await get('cp-dst', image.hash)).json.name).toBe(image.name);
    expect((await get('cp-dst', image.hash)).json.user_metadata.title).toBe('Changed in dst');

    expect((await call(server, 'DELETE', `/sourceimages/cp-src/${image.hash}`, { key: owner.key })).status).toBe(204);
    const download = await fetch(`${server.url}/sourceimages/cp-dst/${image.hash}/download`, {
      headers: { 'api-key': owner.key },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('overwrites on a second copy (204); Overwrite: F answers 412 and changes nothing', async () => {
    const { image } = await newImage();
    expect((await copy(image.hash, 'cp-dst')).status).toBe(201);
    await call(server, 'PATCH', `/sourceimages/cp-dst/${image.hash}/meta/user`, {
      key: owner.key,
      json: { title: 'dst edit' },
    });

    for (const value of ['F', 'f', ' F ', 'false']) {
      const refused = await copy(image.hash, 'cp-dst', { overwrite: value });
      expectCode(refused, 412, 'ORIGO_ERR_COPY_EXISTS');
      expect((await get('cp-dst', image.hash)).json.user_metadata.title).toBe('dst edit');
    }

    const again = await copy(image.hash, 'cp-dst', { overwrite: 'T' });
    expect(again.status).toBe(204);
    expect(again.text).toBe('');
    expect((await get('cp-dst', image.hash)).json.user_metadata.title).toBe(`Photo ${seed}`);
    expect((await copy(image.hash, 'cp-dst')).status).toBe(204);
    expect(await imageCount(server, 'cp-dst')).toBeGreaterThan(0);
    expect((await copy(image.hash, 'cp-dst', { overwrite: 'maybe' })).status).toBe(400);
  });

  it('copies onto a deleted image at the destination as a new one (201)', async () => {
    const { image } = await newImage();
    expect((await copy(image.hash, 'cp-dst')).status).toBe(201);
    expect((await call(server, 'DELETE', `/sourceimages/cp-dst/${image.hash}`, { key: owner.key })).status).toBe(204);
    expect((await copy(image.hash, 'cp-dst', { overwrite: 'F' })).status).toBe(201);
    expect((await get('cp-dst', image.hash)).json.deleted).toBe(false);
  });

  it('refuses a missing, unknown or same destination (400)', async () => {
    const { image } = await newImage();
    expectCode(await copy(image.hash, undefined), 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expectCode(await copy(image.hash, ''), 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expectCode(await copy(image.hash, 'no-such-org'), 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expectCode(await copy(image.hash, 'cp-src'), 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expectCode(await copy(image.hash, 'cp-src', {}, 'POST'), 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
  });

  it('refuses a destination where the caller may not write (403), copying nothing', async () => {
    const { image } = await newImage();
    const before = await imageCount(server, 'cp-ro');
    expectCode(await copy(image.hash, 'cp-ro'), 403, 'ORIGO_ERR_AUTH_FORBIDDEN');
    expectCode(await copy(image.hash, 'cp-ro', {}, 'POST'), 403, 'ORIGO_ERR_AUTH_FORBIDDEN');
    expect(await imageCount(server, 'cp-ro')).toBe(before);
    expect((await call(server, 'GET', `/sourceimages/cp-ro/${image.hash}`, root())).status).toBe(404);
  });

  it('answers 404 for an unknown or deleted source', async () => {
    expectCode(await copy('0123456789abcdef0123456789abcdef01234567', 'cp-dst'), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
    const { image } = await newImage();
    expect((await call(server, 'DELETE', `/sourceimages/cp-src/${image.hash}`, { key: owner.key })).status).toBe(204);
    expectCode(await copy(image.hash, 'cp-dst'), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
    expect((await call(server, 'GET', `/sourceimages/cp-dst/${image.hash}`, root())).status).toBe(404);
  });

  it('refuses to overwrite a locked image at the destination (403), leaving it as it was', async () => {
    const { image } = await newImage();
    expect((await copy(image.hash, 'cp-dst')).status).toBe(201);
    await call(server, 'PATCH', `/sourceimages/cp-dst/${image.hash}/meta/user`, {
      key: owner.key,
      json: { title: 'locked edit' },
    });
    expect(
      (await call(server, 'PUT', `/sourceimages/cp-dst/${image.hash}/options/locked`, { key: owner.key, json: true }))
        .status,
    ).toBe(200);
    expectCode(await copy(image.hash, 'cp-dst'), 403, 'ORIGO_ERR_IMAGE_LOCKED');
    const after = await get('cp-dst', image.hash);
    expect(after.json.user_metadata.title).toBe('locked edit');
    expect(after.json.locked).toBe(true);
    // Unlocked, it is overwritten.
    await call(server, 'PUT', `/sourceimages/cp-dst/${image.hash}/options/locked`, { key: owner.key, json: false });
    expect((await copy(image.hash, 'cp-dst')).status).toBe(204);
    expect((await get('cp-dst', image.hash)).json.user_metadata.title).toBe(`Photo ${seed}`);
  });
});

describe('POST /sourceimages/{org}/copy', () => {
  const batch = (body: unknown, destination = 'cp-dst2', headers: Record<string, string> = {}) =>
    call(server, 'POST', '/sourceimages/cp-src/copy', {
      key: owner.key,
      json: body,
      headers: { destination, ...headers },
    });

  it('copies a list of hashes: created, existing and notfound', async () => {
    const a = (await newImage()).image;
    const b = (await newImage()).image;
    const gone = (await newImage()).image;
    await call(server, 'DELETE', `/sourceimages/cp-src/${gone.hash}`, { key: owner.key });
    const unknown = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
    const blobsBefore = (await blobFiles(server)).blobs.length;
    const res = await batch([a.hash, b.hash, unknown, gone.hash, 'not a hash']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual({ created: [a.hash, b.hash], existing: [], notfound: [unknown, gone.hash, 'not a hash'] });
    expect((await blobFiles(server)).blobs.length).toBe(blobsBefore);
    expect((await get('cp-dst2', a.hash)).json.user_metadata).toEqual(a.user_metadata);

    const again = await batch([a.hash, b.hash]);
    expect(again.json).toEqual({ created: [], existing: [a.hash, b.hash], notfound: [] });
    // With Overwrite: F the existing ones are reported and kept.
    await call(server, 'PATCH', `/sourceimages/cp-dst2/${a.hash}/meta/user`, {
      key: owner.key,
      json: { title: 'kept' },
    });
    const kept = await batch([a.hash], 'cp-dst2', { overwrite: 'F' });
    expect(kept.json).toEqual({ created: [], existing: [a.hash], notfound: [] });
    expect((await get('cp-dst2', a.hash)).json.user_metadata.title).toBe('kept');
  });

  it('refuses more than 100 hashes, or a body that is not an array of hashes (400), copying nothing', async () => {
    const { image } = await newImage();
    const images = await imageCount(server, 'cp-dst2');
    const blobs = await blobFiles(server);
    // The one real image first: a refused batch must not copy even that.
    const tooMany = [image.hash, ...Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(40, '0'))];
    const refused = await batch(tooMany);
    expectError(refused, 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expect(refused.json.message).toBe('At most 100 images can be copied in one request, got 101');
    const NOT_AN_ARRAY =
      'The body must be a JSON array of image hashes, e.g. ["063c3dce6a528d8944a63185bd4c7b161454ee4f"]';
    for (const body of [{ hashes: [image.hash] }, 'abc', 42, [image.hash, 2]]) {
      const res = await batch(body);
      expectError(res, 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
      expect(res.json.message, JSON.stringify(body)).toBe(NOT_AN_ARRAY);
    }
    const noBody = await call(server, 'POST', '/sourceimages/cp-src/copy', {
      key: owner.key,
      headers: { destination: 'cp-dst2' },
    });
    expectError(noBody, 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expect(noBody.json.message).toBe(NOT_AN_ARRAY);
    expectError(await get('cp-dst2', image.hash), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
    expect(await imageCount(server, 'cp-dst2')).toBe(images);
    expect(await blobFiles(server)).toEqual(blobs);

    // 100 is the limit itself: accepted, and the unknown hashes are reported as such.
    const hundred = tooMany.slice(1);
    expect((await batch(hundred)).json).toEqual({ created: [], existing: [], notfound: hundred });
    expect(await imageCount(server, 'cp-dst2')).toBe(images);
  });

  it('checks the destination like a single copy, copying nothing', async () => {
    const { image } = await newImage();
    const counts = async () => [await imageCount(server, 'cp-ro'), await imageCount(server, 'cp-src')];
    const before = await counts();
    const readOnly = await batch([image.hash], 'cp-ro');
    expectError(readOnly, 403, 'ORIGO_ERR_AUTH_FORBIDDEN');
    expect(readOnly.json.message).toBe('This key may not write images in the destination organization cp-ro');
    const same = await batch([image.hash], 'cp-src');
    expectError(same, 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expect(same.json.message).toBe('Destination cp-src is the organization the image is in');
    const missing = await batch([image.hash], 'no-such-org');
    expectError(missing, 400, 'ORIGO_ERR_COPY_BAD_DESTINATION');
    expect(missing.json.message).toBe('Destination organization "no-such-org" does not exist');
    expectError(
      await call(server, 'GET', `/sourceimages/cp-ro/${image.hash}`, root()),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
    );
    expect(await counts()).toEqual(before);
  });
});

describe('the rokka client', () => {
  it('copies with sourceimages.copy and copyAll', async () => {
    const client = new Rokka({ apiKey: owner.key, apiHost: server.url, transport: { retries: 0 } });
    const { image } = await newImage();
    const first = await client.sourceimages.copy('cp-src', image.hash, 'cp-dst2', true);
    expect(first.statusCode).toBe(201);
    const second = await client.sourceimages.copy('cp-src', image.hash, 'cp-dst2', true);
    expect(second.statusCode).toBe(204);
    await expect(client.sourceimages.copy('cp-src', image.hash, 'cp-dst2', false)).rejects.toMatchObject({
      statusCode: 412,
    });
    await expect(client.sourceimages.copy('cp-src', image.hash, 'cp-ro')).rejects.toMatchObject({ statusCode: 403 });
    const got = await client.sourceimages.get('cp-dst2', image.hash);
    expect(got.body.hash).toBe(image.hash);

    const other = (await newImage()).image;
    const all = await client.sourceimages.copyAll('cp-src', [image.hash, other.hash], 'cp-dst2', true);
    expect(all.statusCode).toBe(200);
    expect(all.body).toEqual({ created: [other.hash], existing: [image.hash], notfound: [] });
  });
});
