// ORIGO_RESTORE_WINDOW_DAYS over HTTP, on the server's clock: with a 2-day
// window an image deleted 1 day 23 hours ago restores, one deleted 2 days
// and a minute ago is 404 naming the window, and the sweep then purges it
// (row and blob) while keeping what is still inside the window.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../src/service/sweep.ts';
import { imageCount } from './catalog-rows.ts';
import {
  api,
  createOrg,
  expectError,
  hashesOf,
  jpeg,
  ROOT_KEY,
  sha1,
  startServer,
  type TestServer,
} from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';
import { uploadAs } from './tenancy-helpers.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ ORIGO_RESTORE_WINDOW_DAYS: '2', ORIGO_BLOB_GRACE_SECONDS: '0' });
  await createOrg(server);
});
afterAll(() => server.close());

const remove = async (hash: string) =>
  expect((await api(server, 'DELETE', `/sourceimages/acme/${hash}`)).status).toBe(204);

describe('ORIGO_RESTORE_WINDOW_DAYS=2', () => {
  it('restores an image deleted 1 day 23 hours ago', async () => {
    const image = await uploadAs(server, ROOT_KEY, 'acme', 'young.jpg', await jpeg(11));
    await remove(image.hash);
    server.advanceClock(DAY + 23 * HOUR);
    expect(hashesOf(await api(server, 'GET', '/sourceimages/acme?deleted=true'))).toContain(image.hash);
    const restored = await api(server, 'POST', `/sourceimages/acme/${image.hash}/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.json).toMatchObject({ hash: image.hash, deleted: false, name: 'young.jpg' });
    expect((await api(server, 'GET', `/sourceimages/acme/${image.hash}`)).json.deleted).toBe(false);
  });

  it('refuses one deleted 2 days and a minute ago with 404 naming the window, and the sweep purges it', async () => {
    const oldBytes = await jpeg(22);
    const recentBytes = await jpeg(33);
    const old = await uploadAs(server, ROOT_KEY, 'acme', 'old.jpg', oldBytes);
    const recent = await uploadAs(server, ROOT_KEY, 'acme', 'recent.jpg', recentBytes);
    await remove(old.hash);
    server.advanceClock(DAY);
    await remove(recent.hash);
    server.advanceClock(DAY + 60_000);

    const refused = await api(server, 'POST', `/sourceimages/acme/${old.hash}/restore`);
    expectError(refused, 404, 'ORIGO_ERR_IMAGE_NOT_FOUND');
    expect(refused.json.message).toBe(
      `Source image ${old.hash} in organization acme was deleted more than 2 days ago and cannot be restored`,
    );
    const deleted = hashesOf(await api(server, 'GET', '/sourceimages/acme?deleted=true'));
    expect(deleted).not.toContain(old.hash);
    expect(deleted).toContain(recent.hash);

    const rows = await imageCount(server);
    const report = await sweep(server.deps);
    expect(report).toEqual({ purgedImages: 1, removedBlobs: 1, removedBytes: oldBytes.length });
    expect(await imageCount(server)).toBe(rows - 1);
    const blobs = (await blobFiles(server)).blobs;
    expect(blobs.some((b) => b.startsWith(sha1(oldBytes)))).toBe(false);
    expect(blobs.some((b) => b.startsWith(sha1(recentBytes)))).toBe(true);

    // Purged is gone for good; the one inside the window still restores, bytes and all.
    expectError(
      await api(server, 'POST', `/sourceimages/acme/${old.hash}/restore`),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
      old.hash,
    );
    expect((await api(server, 'POST', `/sourceimages/acme/${recent.hash}/restore`)).status).toBe(200);
    const download = await fetch(`${server.url}/sourceimages/acme/${recent.hash}/download`, {
      headers: { 'api-key': ROOT_KEY },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(recentBytes)).toBe(true);
  });
});
