// The sweep and cached renders: a purged image's renders go with it, a live
// image's stay, the blob collection never takes a render for an unused
// blob, and a render store that fails never costs the catalog its purge.
// On the storage this run gives: files, or S3 beside the blobs.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../src/service/sweep.ts';
import type { RenderStore } from '../src/storage/renders/render-store.ts';
import { api, createOrg, png, startServer, type TestServer, upload } from './helpers.ts';
import { keysUnder } from './s3-env.ts';
import { testS3Client } from './test-storage.ts';

const DAY = 24 * 60 * 60 * 1000;
const BLOB_KEY = /^[0-9a-f]{40}-[0-9a-f]{64}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  await createOrg(server, 'other');
});
afterAll(() => server.close());

async function uploaded(org: string, seed: number): Promise<{ hash: string; size: number }> {
  const res = await upload(server, org, [{ name: `${seed}.png`, bytes: await png(seed, 20, 20) }]);
  expect(res.status, res.text).toBe(200);
  return { hash: res.json.items[0].hash, size: res.json.items[0].size };
}

async function bytesOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** The render's bytes as text, or undefined when there is none. */
async function render(key: string): Promise<string | undefined> {
  const found = await server.storage.renders.get(key);
  return found && bytesOf(found.stream);
}

async function listedBlobs(): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of server.storage.blobs.list()) keys.push(blob.key);
  return keys;
}

const pastTheWindow = () => server.advanceClock(server.config.restoreWindowMs + DAY);

describe('the sweep and cached renders', () => {
  it('removes the renders of purged images, keeps those of live ones, and never lists a render as a blob', async () => {
    const live = await uploaded('acme', 1);
    const gone = await uploaded('acme', 2);
    // The same image in another organization is another image: it stays.
    const elsewhere = await uploaded('other', 2);
    const liveRenders = [`acme/${live.hash}/00000000000000a1.jpg`, `acme/${live.hash}/00000000000000a2.webp`];
    const goneRenders = [1, 2, 3].map((n) => `acme/${gone.hash}/00000000000000b${n}.jpg`);
    const elsewhereRender = `other/${elsewhere.hash}/00000000000000b1.jpg`;
    for (const key of [...liveRenders, ...goneRenders, elsewhereRender]) {
      await server.storage.renders.put(key, Buffer.from(`render ${key}`));
    }

    // Renders lie beside the blobs, not among them.
    if (server.s3Prefix !== undefined) {
      const objects = await keysUnder(testS3Client(), `${server.s3Prefix}renders/`);
      expect(objects).toContain(`${server.s3Prefix}renders/${liveRenders[0]}`);
    } else {
      expect(existsSync(path.join(server.dataDir, 'renders', ...liveRenders[0]!.split('/')))).toBe(true);
    }
    const blobsBefore = await listedBlobs();
    expect(blobsBefore).toHaveLength(2);
    for (const key of blobsBefore) expect(key).toMatch(BLOB_KEY);

    expect((await api(server, 'DELETE', `/sourceimages/acme/${gone.hash}`)).status).toBe(204);
    pastTheWindow();
    // The blob of the purged image is still the other organization's.
    expect(await sweep(server.deps)).toEqual({ purgedImages: 1, removedBlobs: 0, removedBytes: 0, removedRenders: 3 });

    for (const key of goneRenders) expect(await render(key), key).toBeUndefined();
    for (const key of liveRenders) expect(await render(key), key).toBe(`render ${key}`);
    expect(await render(elsewhereRender)).toBe(`render ${elsewhereRender}`);
    expect((await listedBlobs()).sort()).toEqual(blobsBefore.sort());

    // Nothing purged, nothing to remove: a second sweep keeps every live render.
    expect(await sweep(server.deps)).toEqual({ purgedImages: 0, removedBlobs: 0, removedBytes: 0 });
    for (const key of liveRenders) expect(await render(key), key).toBe(`render ${key}`);
  });

  it('purges all the same when the renders cannot be removed, and removes them at the next sweep', async () => {
    const image = await uploaded('acme', 3);
    const renders = [`acme/${image.hash}/00000000000000c1.jpg`, `acme/${image.hash}/00000000000000c2.avif`];
    for (const key of renders) await server.storage.renders.put(key, Buffer.from(key));

    const real = server.storage.renders;
    let down = true;
    const flaky: RenderStore = {
      get: (key) => real.get(key),
      put: (key, bytes) => real.put(key, bytes),
      async deletePrefix(prefix) {
        if (down) throw new Error('the render store is down');
        return real.deletePrefix(prefix);
      },
      close: async () => undefined,
    };
    const deps = { ...server.deps, renders: flaky };

    expect((await api(server, 'DELETE', `/sourceimages/acme/${image.hash}`)).status).toBe(204);
    pastTheWindow();
    expect(await sweep(deps)).toEqual({
      purgedImages: 1,
      removedBlobs: 1,
      removedBytes: image.size,
      rendersLeft: { images: 1, error: 'the render store is down' },
    });
    // The catalog's purge stands; the renders wait.
    expect((await api(server, 'GET', `/sourceimages/acme/${image.hash}?deleted=true`)).status).toBe(404);
    for (const key of renders) expect(await render(key), key).toBe(key);

    down = false;
    expect(await sweep(deps)).toEqual({ purgedImages: 0, removedBlobs: 0, removedBytes: 0, removedRenders: 2 });
    for (const key of renders) expect(await render(key), key).toBeUndefined();
  });
});
