// Soft delete, lock, delete by binary hash, restore within the window, and
// the sweep that purges expired rows and unused blobs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../src/service/sweep.ts';
import { imageCount } from './catalog-rows.ts';
import {
  api,
  createOrg,
  expectError,
  hashesOf,
  jpeg,
  png,
  ROOT_KEY,
  sha1,
  startServer,
  type TestServer,
  upload,
} from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';
import { uploadAs } from './tenancy-helpers.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('delete, lock and restore', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await createOrg(server, 'acme');
  });
  afterAll(() => server.close());

  it('deletes with 204, then 404; listing excludes it and deleted=true lists only deleted ones; restore brings it back', async () => {
    const keep = await uploadAs(server, ROOT_KEY, 'acme', 'keep.jpg', await jpeg(30));
    const gone = await uploadAs(server, ROOT_KEY, 'acme', 'gone.jpg', await jpeg(70));

    const del = await api(server, 'DELETE', `/sourceimages/acme/${gone.hash}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectError(
      await api(server, 'DELETE', `/sourceimages/acme/${gone.hash}`),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
      gone.hash,
    );
    expectError(await api(server, 'GET', `/sourceimages/acme/${gone.hash}`), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
    expect((await api(server, 'GET', `/sourceimages/acme/${gone.hash}/download`)).status).toBe(404);

    const live = await api(server, 'GET', '/sourceimages/acme');
    expect(live.json.total).toBe(1);
    expect(hashesOf(live)).toEqual([keep.hash]);
    const deleted = await api(server, 'GET', '/sourceimages/acme?deleted=true');
    expect(deleted.status).toBe(200);
    expect(deleted.json.total).toBe(1);
    expect(hashesOf(deleted)).toEqual([gone.hash]);
    expect(deleted.json.items[0].deleted).toBe(true);
    expect(deleted.json.items[0].deleted_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

    const restored = await api(server, 'POST', `/sourceimages/acme/${gone.hash}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.headers.get('content-type')).toBe('application/json');
    expect(restored.json).toMatchObject({ hash: gone.hash, deleted: false, name: 'gone.jpg' });
    expect(restored.json.deleted_date).toBeUndefined();
    expect((await api(server, 'GET', '/sourceimages/acme')).json.total).toBe(2);
    expect((await api(server, 'GET', '/sourceimages/acme?deleted=true')).json.total).toBe(0);
  });

  it('refuses to delete a locked image (403) until it is unlocked', async () => {
    const img = await uploadAs(server, ROOT_KEY, 'acme', 'locked.jpg', await jpeg(110));
    const lock = await api(server, 'PUT', `/sourceimages/acme/${img.hash}/options/locked`, { body: 'true' });
    expect(lock.status, lock.text).toBe(200);
    expect(lock.json).toMatchObject({ hash: img.hash, locked: true });

    expectError(
      await api(server, 'DELETE', `/sourceimages/acme/${img.hash}`),
      403,
      'ORIGO_ERR_IMAGE_LOCKED',
      img.hash,
      'locked',
    );
    const still = await api(server, 'GET', `/sourceimages/acme/${img.hash}`);
    expect(still.status).toBe(200);
    expect(still.json).toMatchObject({ locked: true, deleted: false });

    expectError(
      await api(server, 'PUT', `/sourceimages/acme/${img.hash}/options/locked`, { body: '"yes"' }),
      400,
      'ORIGO_ERR_REQUEST_BAD_BODY',
      'true or false',
    );

    const unlock = await api(server, 'PUT', `/sourceimages/acme/${img.hash}/options/locked`, { body: 'false' });
    expect(unlock.status).toBe(200);
    expect(unlock.json.locked).toBe(false);
    expect((await api(server, 'DELETE', `/sourceimages/acme/${img.hash}`)).status).toBe(204);
    expect((await api(server, 'GET', `/sourceimages/acme/${img.hash}`)).status).toBe(404);
  });

  it('deletes every image with a binary hash at once, or none when one is locked', async () => {
    const bytes = await png(4, 24, 24);
    const plain = await uploadAs(server, ROOT_KEY, 'acme', 'twin.png', bytes);
    const prot = await uploadAs(server, ROOT_KEY, 'acme', 'twin.png', bytes, { 'options[0]': '{"protected":true}' });
    expect(prot.hash).not.toBe(plain.hash);
    expect(prot.binary_hash).toBe(plain.binary_hash);
    const bh = plain.binary_hash;

    expectError(
      await api(server, 'DELETE', `/sourceimages/acme?binaryHash=${'0'.repeat(40)}`),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
      '0'.repeat(40),
      'acme',
    );
    expectError(
      await api(server, 'DELETE', '/sourceimages/acme?binaryHash=not-a-hash'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'binaryHash',
      '"not-a-hash"',
    );
    expectError(
      await api(server, 'DELETE', `/sourceimages/acme?binaryHash=${bh.slice(0, 39)}`),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      bh.slice(0, 39),
    );
    expectError(
      await api(server, 'DELETE', '/sourceimages/acme'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'binaryHash',
    );

    // One locked twin: nothing is deleted.
    expect((await api(server, 'PUT', `/sourceimages/acme/${prot.hash}/options/locked`, { body: 'true' })).status).toBe(
      200,
    );
    expectError(
      await api(server, 'DELETE', `/sourceimages/acme?binaryHash=${bh}`),
      403,
      'ORIGO_ERR_IMAGE_LOCKED',
      bh,
      'nothing was deleted',
    );
    expect((await api(server, 'GET', `/sourceimages/acme/${plain.hash}`)).status).toBe(200);
    expect((await api(server, 'GET', `/sourceimages/acme/${prot.hash}`)).status).toBe(200);
    expect((await api(server, 'GET', `/sourceimages/acme?binaryHash=${bh}`)).json.total).toBe(2);

    expect((await api(server, 'PUT', `/sourceimages/acme/${prot.hash}/options/locked`, { body: 'false' })).status).toBe(
      200,
    );
    const del = await api(server, 'DELETE', `/sourceimages/acme?binaryHash=${bh.toUpperCase()}`);
    expect(del.status, del.text).toBe(204);
    expect((await api(server, 'GET', `/sourceimages/acme/${plain.hash}`)).status).toBe(404);
    expect((await api(server, 'GET', `/sourceimages/acme/${prot.hash}`)).status).toBe(404);
    expect((await api(server, 'GET', `/sourceimages/acme?binaryHash=${bh}`)).json.total).toBe(0);
    const deleted = await api(server, 'GET', '/sourceimages/acme?deleted=true');
    expect(hashesOf(deleted)).toEqual(expect.arrayContaining([plain.hash, prot.hash]));
    // Both are gone now: a second delete finds none.
    expectError(await api(server, 'DELETE', `/sourceimages/acme?binaryHash=${bh}`), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
  });

  it('restores a deleted image when its bytes are uploaded again', async () => {
    const bytes = await jpeg(150);
    const first = await uploadAs(server, ROOT_KEY, 'acme', 'original.jpg', bytes);
    expect((await api(server, 'DELETE', `/sourceimages/acme/${first.hash}`)).status).toBe(204);
    server.advanceClock(2 * DAY);
    const again = await upload(server, 'acme', [{ name: 'again.jpg', bytes }]);
    expect(again.status, again.text).toBe(200);
    expect(again.json.items[0]).toMatchObject({
      hash: first.hash,
      deleted: false,
      name: 'original.jpg',
      created: first.created,
    });
    expect(again.json.items[0].deleted_date).toBeUndefined();
    expect((await api(server, 'GET', `/sourceimages/acme/${first.hash}`)).status).toBe(200);
    expect(hashesOf(await api(server, 'GET', '/sourceimages/acme?deleted=true'))).not.toContain(first.hash);
  });

  it('refuses to restore an image deleted longer ago than the window (404)', async () => {
    const img = await uploadAs(server, ROOT_KEY, 'acme', 'old.jpg', await jpeg(190));
    expect((await api(server, 'DELETE', `/sourceimages/acme/${img.hash}`)).status).toBe(204);
    server.advanceClock(29 * DAY);
    expect(hashesOf(await api(server, 'GET', '/sourceimages/acme?deleted=true'))).toContain(img.hash);
    server.advanceClock(2 * DAY);
    expectError(
      await api(server, 'POST', `/sourceimages/acme/${img.hash}/restore`),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
      img.hash,
      '30 days',
    );
    expect((await api(server, 'GET', `/sourceimages/acme/${img.hash}`)).status).toBe(404);
    // Nor found with ?deleted=true, though the sweep has not purged it yet.
    expectError(
      await api(server, 'GET', `/sourceimages/acme/${img.hash}?deleted=true`),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
      img.hash,
    );
    // Outside the window it is no longer listed as deleted either.
    expect(hashesOf(await api(server, 'GET', '/sourceimages/acme?deleted=true'))).not.toContain(img.hash);
  });
});

describe('sweep', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_BLOB_GRACE_SECONDS: '0' });
    await createOrg(server, 'acme');
    await createOrg(server, 'beta');
  });
  afterAll(() => server.close());

  it('purges rows deleted before the window and blobs no row needs, and keeps everything else', async () => {
    const onlyBytes = await jpeg(40);
    const sharedBytes = await jpeg(80);
    const twinBytes = await jpeg(120);
    const recentBytes = await jpeg(160);
    const liveBytes = await jpeg(200);

    const only = await uploadAs(server, ROOT_KEY, 'acme', 'only.jpg', onlyBytes); // deleted, no other user: row and blob go
    const shared = await uploadAs(server, ROOT_KEY, 'acme', 'shared.jpg', sharedBytes); // deleted here, live in beta: blob stays
    const sharedBeta = await uploadAs(server, ROOT_KEY, 'beta', 'shared.jpg', sharedBytes);
    const twin = await uploadAs(server, ROOT_KEY, 'acme', 'twin.jpg', twinBytes); // deleted, a protected twin stays: blob stays
    const twinProtected = await uploadAs(server, ROOT_KEY, 'acme', 'twin.jpg', twinBytes, {
      'options[0]': '{"protected":true}',
    });
    const recent = await uploadAs(server, ROOT_KEY, 'acme', 'recent.jpg', recentBytes); // deleted inside the window: stays
    const live = await uploadAs(server, ROOT_KEY, 'acme', 'live.jpg', liveBytes);
    // Five different files, so five blobs.
    expect(new Set([onlyBytes, sharedBytes, twinBytes, recentBytes, liveBytes].map(sha1)).size).toBe(5);
    expect((await blobFiles(server)).blobs).toHaveLength(5);

    for (const h of [only.hash, shared.hash, twin.hash])
      expect((await api(server, 'DELETE', `/sourceimages/acme/${h}`)).status).toBe(204);
    server.advanceClock(20 * DAY);
    expect((await api(server, 'DELETE', `/sourceimages/acme/${recent.hash}`)).status).toBe(204);
    server.advanceClock(11 * DAY);

    const report = await sweep(server.deps);
    expect(report).toEqual({ purgedImages: 3, removedBlobs: 1, removedBytes: onlyBytes.length });

    const blobs = (await blobFiles(server)).blobs;
    expect(blobs).toHaveLength(4);
    expect(blobs.some((b) => b.startsWith(sha1(onlyBytes)))).toBe(false);
    for (const kept of [sharedBytes, twinBytes, recentBytes, liveBytes])
      expect(blobs.some((b) => b.startsWith(sha1(kept)))).toBe(true);

    expect(await imageCount(server, 'acme')).toBe(3); // twinProtected, recent (deleted), live
    expect(await imageCount(server, 'beta')).toBe(1);
    for (const h of [only.hash, shared.hash, twin.hash]) {
      expect((await api(server, 'GET', `/sourceimages/acme/${h}?deleted=true`)).status).toBe(404);
    }

    // What stayed still works, bytes included.
    const beta = await fetch(`${server.url}/sourceimages/beta/${sharedBeta.hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(Buffer.from(await beta.arrayBuffer()).equals(sharedBytes)).toBe(true);
    const prot = await fetch(`${server.url}/sourceimages/acme/${twinProtected.hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(Buffer.from(await prot.arrayBuffer()).equals(twinBytes)).toBe(true);
    expect((await api(server, 'GET', `/sourceimages/acme/${live.hash}`)).status).toBe(200);
    const restored = await api(server, 'POST', `/sourceimages/acme/${recent.hash}/restore`);
    expect(restored.status, restored.text).toBe(200);
    const recentDownload = await fetch(`${server.url}/sourceimages/acme/${recent.hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(Buffer.from(await recentDownload.arrayBuffer()).equals(recentBytes)).toBe(true);

    // A second sweep finds nothing more to do.
    expect(await sweep(server.deps)).toEqual({ purgedImages: 0, removedBlobs: 0, removedBytes: 0 });
    expect(await blobFiles(server)).toMatchObject({ temp: [] });
  });

  it('stores purged bytes again as a new image when they are uploaded again', async () => {
    const bytes = await jpeg(40);
    const res = await upload(server, 'acme', [{ name: 'back.jpg', bytes }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({ name: 'back.jpg', deleted: false, binary_hash: sha1(bytes) });
    const download = await fetch(`${server.url}/sourceimages/acme/${res.json.items[0].hash}/download`, {
      headers: { 'api-key': 'test-root-key-0123456789abcdef' },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
