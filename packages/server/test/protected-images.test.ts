// Protected images (spec §2.22): the flag is part of the hash; changing it
// makes (or finds) the image with the other hash; downloading a protected
// image needs read, write, admin or sourceimages:download:protected.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/storage/catalog/accounts.ts';
import { imageCount } from './catalog-rows.ts';
import { createOrg, expectError, form, jpeg, ROOT_KEY, startServer, type TestServer } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';
import { addMember, call, root, uploadAs } from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'prot');
  await createOrg(server, 'prot-other');
});
afterAll(() => server.close());

const PROTECT = { 'options[0]': JSON.stringify({ protected: true }) };

const uploadTo = async (org: string, seed: number, fields: Record<string, string> = {}) =>
  uploadAs(server, ROOT_KEY, org, `p${seed}.jpg`, await jpeg(seed), fields);

const setProtected = (org: string, hash: string, value: unknown, query = '') =>
  call(server, 'PUT', `/sourceimages/${org}/${hash}/options/protected${query}`, root({ json: value }));

describe('protecting at upload', () => {
  it('gives the same bytes a different hash, marked protected', async () => {
    const plain = await uploadTo('prot', 1);
    const prot = await uploadTo('prot', 1, PROTECT);
    expect(plain.protected).toBe(false);
    expect(prot.protected).toBe(true);
    expect(prot.binary_hash).toBe(plain.binary_hash);
    expect(prot.hash).not.toBe(plain.hash);
    expect(await imageCount(server, 'prot')).toBe(2);
    // options with protected false is the plain image.
    const again = await uploadTo('prot', 1, { 'options[0]': JSON.stringify({ protected: false }) });
    expect(again.hash).toBe(plain.hash);
  });

  it('refuses a protected flag that is not a boolean, and stores nothing', async () => {
    const images = await imageCount(server, 'prot');
    const blobs = await blobFiles(server);
    const res = await call(
      server,
      'POST',
      '/sourceimages/prot',
      root({
        body: form([{ name: 'x.jpg', bytes: await jpeg(99) }], { 'options[0]': JSON.stringify({ protected: 'yes' }) }),
      }),
    );
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_BAD_FIELD');
    expect(res.json.message).toBe('Field options[0]: protected must be true or false');
    expect(await imageCount(server, 'prot')).toBe(images);
    expect(await blobFiles(server)).toEqual(blobs);
  });
});

describe('PUT …/options/protected', () => {
  it('true makes the protected image (201 + Location), false leads back to the plain one, unchanged is 200', async () => {
    const plain = await uploadTo('prot-other', 2);
    // The hash protecting must lead to: the same bytes uploaded protected elsewhere.
    const reference = await uploadTo('prot', 2, PROTECT);
    const before = await imageCount(server, 'prot-other');

    const on = await setProtected('prot-other', plain.hash, true);
    expect(on.status).toBe(201);
    expect(on.headers.get('content-type')).toBe('application/json');
    expect(on.json.protected).toBe(true);
    expect(on.json.hash).toBe(reference.hash);
    expect(on.json.hash).not.toBe(plain.hash);
    expect(on.headers.get('location')).toBe(`/sourceimages/prot-other/${on.json.hash}`);
    expect(await imageCount(server, 'prot-other')).toBe(before + 1);
    // Without deletePrevious the plain image stays.
    const stillPlain = await call(server, 'GET', `/sourceimages/prot-other/${plain.hash}`, root());
    expect(stillPlain.status).toBe(200);
    expect(stillPlain.json.protected).toBe(false);

    const off = await setProtected('prot-other', on.json.hash, false);
    expect(off.status).toBe(201);
    expect(off.json.hash).toBe(plain.hash);
    expect(off.json.protected).toBe(false);
    expect(off.headers.get('location')).toBe(`/sourceimages/prot-other/${plain.hash}`);
    // The existing plain image was reused, not made again.
    expect(await imageCount(server, 'prot-other')).toBe(before + 1);

    const same = await setProtected('prot-other', plain.hash, false);
    expect(same.status).toBe(200);
    expect(same.json.hash).toBe(plain.hash);
    expect(same.headers.get('location')).toBe(`/sourceimages/prot-other/${plain.hash}`);
    expect((await setProtected('prot-other', on.json.hash, true)).status).toBe(200);
  });

  it('with deletePrevious=true deletes the image it came from', async () => {
    const plain = await uploadTo('prot-other', 3);
    const on = await setProtected('prot-other', plain.hash, true, '?deletePrevious=true');
    expect(on.status).toBe(201);
    expect((await call(server, 'GET', `/sourceimages/prot-other/${plain.hash}`, root())).status).toBe(404);
    const deleted = await call(server, 'GET', `/sourceimages/prot-other/${plain.hash}?deleted=true`, root());
    expect(deleted.json.deleted).toBe(true);
    expect((await call(server, 'GET', `/sourceimages/prot-other/${on.json.hash}`, root())).json.protected).toBe(true);

    // And back: the deleted plain image is restored, the protected one deleted.
    const off = await setProtected('prot-other', on.json.hash, false, '?deletePrevious=true');
    expect(off.status).toBe(201);
    expect(off.json.hash).toBe(plain.hash);
    expect(off.json.deleted).toBe(false);
    expect((await call(server, 'GET', `/sourceimages/prot-other/${on.json.hash}`, root())).status).toBe(404);
  });

  it('refuses a body that is not true or false, and unknown images, changing nothing', async () => {
    const plain = await uploadTo('prot-other', 4);
    const images = await imageCount(server, 'prot-other');
    const before = await call(server, 'GET', `/sourceimages/prot-other/${plain.hash}`, root());
    expect(before.json).toMatchObject({ hash: plain.hash, protected: false, deleted: false });
    for (const body of ['yes', 1, { protected: true }]) {
      const res = await setProtected('prot-other', plain.hash, body);
      expectError(res, 400, 'ORIGO_ERR_REQUEST_BAD_BODY');
      expect(res.json.message, JSON.stringify(body)).toBe('The body must be the JSON value true or false');
    }
    const empty = await call(server, 'PUT', `/sourceimages/prot-other/${plain.hash}/options/protected`, root());
    expectError(empty, 400, 'ORIGO_ERR_REQUEST_BAD_BODY');
    expect(empty.json.message).toBe('The body must be the JSON value true or false');
    const unknown = await setProtected('prot-other', 'f'.repeat(40), true);
    expectError(unknown, 404, 'ORIGO_ERR_IMAGE_NOT_FOUND', 'f'.repeat(40), 'prot-other');
    const after = await call(server, 'GET', `/sourceimages/prot-other/${plain.hash}`, root());
    expect(after.json).toEqual(before.json);
    expect(await imageCount(server, 'prot-other')).toBe(images);
  });
});

describe('downloading a protected image', () => {
  const cases: [Role, number][] = [
    ['sourceimages:read', 403],
    ['sourceimages:write', 403],
    ['read', 200],
    ['write', 200],
    ['admin', 200],
    ['sourceimages:download:protected', 200],
  ];
  let plainHash: string;
  let protectedHash: string;
  let bytes: Buffer;
  const keys = new Map<Role, string>();

  beforeAll(async () => {
    await createOrg(server, 'prot-dl');
    bytes = await jpeg(7);
    plainHash = (await uploadTo('prot-dl', 7)).hash;
    protectedHash = (await uploadTo('prot-dl', 7, PROTECT)).hash;
    for (const [role] of cases) keys.set(role, (await addMember(server, 'prot-dl', [role])).key);
  });

  it.each(cases)('with only %s answers %i', async (role, status) => {
    const key = keys.get(role)!;
    const res = await fetch(`${server.url}/sourceimages/prot-dl/${protectedHash}/download`, {
      headers: { 'api-key': key },
    });
    expect(res.status).toBe(status);
    const body = Buffer.from(await res.arrayBuffer());
    if (status === 200) {
      expect(body.equals(bytes)).toBe(true);
    } else {
      expect(JSON.parse(body.toString('utf8')).error.origo_code).toBe('ORIGO_ERR_AUTH_FORBIDDEN');
    }
    const head = await fetch(`${server.url}/sourceimages/prot-dl/${protectedHash}/download`, {
      method: 'HEAD',
      headers: { 'api-key': key },
    });
    expect(head.status).toBe(status);
  });

  it('keeps plain images downloadable by the readers who may not download protected ones', async () => {
    for (const role of ['sourceimages:read', 'sourceimages:write'] as const) {
      const res = await fetch(`${server.url}/sourceimages/prot-dl/${plainHash}/download`, {
        headers: { 'api-key': keys.get(role)! },
      });
      expect(res.status, role).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('lets those readers see the protected image, just not its bytes', async () => {
    const res = await call(server, 'GET', `/sourceimages/prot-dl/${protectedHash}`, {
      key: keys.get('sourceimages:read')!,
    });
    expect(res.status).toBe(200);
    expect(res.json.protected).toBe(true);
  });
});
