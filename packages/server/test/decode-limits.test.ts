// Decompression bombs over HTTP: small files whose headers promise a lot of
// decoding. Each is answered from its header or a bounded read: refused
// with 413 (too many frames, an SVG declaring too many pixels) or stored
// with the right opacity, and nothing is left behind on a refusal. Every
// probe waits in one decode queue; a request that waits too long gets 503.

import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Release } from '../src/service/decode-queue.ts';
import { animatedGif, flatPngWithAlpha, svgWith } from './bomb-images.ts';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, expectError, form, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { blobFiles, stagedFiles } from './stored-blobs.ts';

let orgs = 0;
async function freshOrg(server: TestServer): Promise<string> {
  const name = `org${orgs++}`;
  await createOrg(server, name);
  return name;
}

/** The organization has no image (no row, live or deleted), the blob store is as before, and no temp file is left. */
async function expectNothingStored(server: TestServer, org: string, blobsBefore: string[]): Promise<void> {
  const list = await api(server, 'GET', `/sourceimages/${org}`);
  expect(list.status).toBe(200);
  expect(list.json.items).toEqual([]);
  expect(await imageCount(server, org)).toBe(0);
  const files = await blobFiles(server);
  expect(files.blobs.sort()).toEqual([...blobsBefore].sort());
  expect(files.temp).toEqual([]);
}

/** Polls `condition` every 10 ms until it holds, failing after a generous deadline. */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Each PNG this file uploads, built once on first use (the 14000 x 14000 one takes seconds of sharp). */
const pngs = new Map<string, Promise<Buffer>>();
function sharedPng(width: number, height: number, opaque: boolean): Promise<Buffer> {
  const key = `${width}x${height}-${opaque}`;
  let made = pngs.get(key);
  if (made === undefined) {
    made = flatPngWithAlpha(width, height, opaque);
    pngs.set(key, made);
  }
  return made;
}

describe('decode limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_MAX_FRAMES: '5' });
  });
  afterAll(() => server.close());

  it('stores a fully transparent 14000 x 14000 PNG as not opaque', async () => {
    const org = await freshOrg(server);
    const bomb = await sharedPng(14_000, 14_000, false);
    const res = await upload(server, org, [{ name: 'clear.png', bytes: bomb }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({
      format: 'png',
      width: 14_000,
      height: 14_000,
      opaque: false,
      animated: false,
    });
  });

  it('stores a PNG whose alpha channel is 255 everywhere as opaque', async () => {
    const org = await freshOrg(server);
    const res = await upload(server, org, [{ name: 'solid.png', bytes: await sharedPng(3000, 2000, true) }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({ width: 3000, height: 2000, opaque: true });
  });

  it('refuses a 20,000-frame GIF from its header with 413 ORIGO_ERR_UPLOAD_TOO_MANY_FRAMES, storing nothing', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const bomb = animatedGif(20_000);
    expect(bomb.length).toBeLessThan(500_000);
    const res = await upload(server, org, [{ name: 'frames.gif', bytes: bomb }]);
    expectError(
      res,
      413,
      'ORIGO_ERR_UPLOAD_TOO_MANY_FRAMES',
      '"frames.gif"',
      '20,000 frames',
      'limit is 5',
      'ORIGO_MAX_FRAMES',
    );
    await expectNothingStored(server, org, before);
  });

  it('stores a GIF with exactly ORIGO_MAX_FRAMES frames and refuses one with a frame more', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const over = await upload(server, org, [{ name: 'six.gif', bytes: animatedGif(6, 20, 10) }]);
    expectError(
      over,
      413,
      'ORIGO_ERR_UPLOAD_TOO_MANY_FRAMES',
      '"six.gif"',
      '6 frames',
      'limit is 5',
      'ORIGO_MAX_FRAMES',
    );
    await expectNothingStored(server, org, before);

    const atLimit = await upload(server, org, [{ name: 'five.gif', bytes: animatedGif(5, 20, 10) }]);
    expect(atLimit.status, atLimit.text).toBe(200);
    expect(atLimit.json.items[0]).toMatchObject({
      format: 'gif',
      width: 20,
      height: 10,
      animated: true,
      opaque: false,
    });
  });

  it('refuses an SVG whose only size is a viewBox of 1e9 x 1e9 with 413 ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const res = await upload(server, org, [{ name: 'huge.svg', bytes: svgWith('viewBox="0 0 1e9 1e9"') }]);
    expectError(
      res,
      413,
      'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
      '"huge.svg"',
      '1,000,000,000 x 1,000,000,000',
      '225,000,000 pixels',
    );
    await expectNothingStored(server, org, before);
  });

  it('refuses an SVG declaring 1e9 x 1e9 in width and height, and one with only a huge width', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const both = await upload(server, org, [{ name: 'wide.svg', bytes: svgWith('width="1e9" height="1e9"') }]);
    expectError(both, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', '"wide.svg"', '1,000,000,000 x 1,000,000,000');
    const widthOnly = await upload(server, org, [{ name: 'line.svg', bytes: svgWith('width="3e9"') }]);
    expectError(widthOnly, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', '"line.svg"', 'a width of 3,000,000,000 pixels');
    await expectNothingStored(server, org, before);
  });

  it('refuses a gzipped SVG (svgz) declaring too many pixels, as the plain one', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const box = await upload(server, org, [{ name: 'huge.svgz', bytes: gzipSync(svgWith('viewBox="0 0 1e9 1e9"')) }]);
    expectError(box, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', '"huge.svgz"', '1,000,000,000 x 1,000,000,000');
    const line = await upload(server, org, [{ name: 'line.svgz', bytes: gzipSync(svgWith('width="3e9"')) }]);
    expectError(line, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', '"line.svgz"', 'a width of 3,000,000,000 pixels');
    await expectNothingStored(server, org, before);
  });

  it('stores an ordinary svgz with its declared size', async () => {
    const org = await freshOrg(server);
    const res = await upload(server, org, [{ name: 'small.svgz', bytes: gzipSync(svgWith('width="30" height="20"')) }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({ format: 'svg', width: 30, height: 20 });
  });

  it('refuses an SVG after leading white space, which sharp reads, as one without', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const bytes = Buffer.concat([Buffer.from(' '.repeat(300)), svgWith('viewBox="0 0 1e9 1e9"')]);
    const res = await upload(server, org, [{ name: 'spaced.svg', bytes }]);
    expectError(res, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', '"spaced.svg"', '1,000,000,000 x 1,000,000,000');
    await expectNothingStored(server, org, before);
  });

  it('refuses an SVG whose size comes from its style attribute or character references', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const styled = await upload(server, org, [
      { name: 'styled.svg', bytes: svgWith('style="width:1e9px;height:1e9px"') },
    ]);
    expectError(
      styled,
      413,
      'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
      '"styled.svg"',
      '1,000,000,000 x 1,000,000,000',
      'style',
    );
    const refs = await upload(server, org, [{ name: 'refs.svg', bytes: svgWith('width="&#51;e9"') }]);
    expectError(refs, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', '"refs.svg"', 'a width of 3,000,000,000 pixels');
    await expectNothingStored(server, org, before);
  });

  it('refuses with 400 an SVG whose size the DOCTYPE can set (entity, attribute default)', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const entity = Buffer.concat([
      Buffer.from('<!DOCTYPE svg [<!ENTITY w "1e9">]>'),
      svgWith('width="&w;" height="&w;"'),
    ]);
    const byEntity = await upload(server, org, [{ name: 'entity.svg', bytes: entity }]);
    expectError(
      byEntity,
      400,
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      '"entity.svg"',
      '&w;',
      'width attribute',
      'root <svg> element',
    );
    const attlist = Buffer.concat([
      Buffer.from('<!DOCTYPE svg [<!ATTLIST svg width CDATA "1e9" height CDATA "1e9">]>'),
      svgWith(''),
    ]);
    const byDefault = await upload(server, org, [{ name: 'attlist.svg', bytes: attlist }]);
    expectError(byDefault, 400, 'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT', '"attlist.svg"', '<!ATTLIST');
    await expectNothingStored(server, org, before);
  });

  it('refuses an SVG that sharp reads as 1 x 1 when the root does not say so (a <style> element)', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const bytes = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><style>svg{width:1e9px;height:1e9px}</style><rect width="10" height="10"/></svg>',
    );
    const res = await upload(server, org, [{ name: 'sheet.svg', bytes }]);
    expectError(
      res,
      400,
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      '"sheet.svg"',
      '1 x 1 pixels',
      'no width and no height',
      'width and height',
    );
    await expectNothingStored(server, org, before);
  });

  it('stores SVGs that declare 1 x 1 pixels, in attributes or a viewBox', async () => {
    const org = await freshOrg(server);
    const res = await upload(server, org, [
      { name: 'dot.svg', bytes: svgWith('width="1" height="1"') },
      { name: 'box.svg', bytes: svgWith('viewBox="0 0 1 1"') },
      { name: 'thin.svg', bytes: svgWith('width="0.5" height="3"') },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items.map((i: { width: number; height: number }) => [i.width, i.height])).toEqual([
      [1, 1],
      [1, 1],
      [1, 3],
    ]);
  });

  it('stores a viewBox-only SVG with the viewBox size, and a percent width the same way', async () => {
    const org = await freshOrg(server);
    const res = await upload(server, org, [
      { name: 'box.svg', bytes: svgWith('viewBox="0 0 300 150"') },
      { name: 'percent.svg', bytes: svgWith('width="100%" height="50%" viewBox="0 0 640 480"') },
      { name: 'mm.svg', bytes: svgWith('width="100mm" height="1in"') },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items.map((i: { width: number; height: number }) => [i.width, i.height])).toEqual([
      [300, 150],
      [640, 480],
      [283, 72],
    ]);
  });
});

describe('the decode queue', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_DECODE_CONCURRENCY: '1', ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS: '1' });
  });
  afterAll(() => server.close());

  it('answers 503 ORIGO_ERR_SERVER_BUSY with Retry-After to an upload that waits longer than the timeout, storing nothing', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    // The test holds the only place, as a slow decode would.
    const slowDecode: Release = await server.deps.decodeQueue.acquire({ timeoutMs: 60_000 });
    try {
      const res = await upload(server, org, [{ name: 'waits.png', bytes: await sharedPng(40, 30, true) }]);
      expectError(res, 503, 'ORIGO_ERR_SERVER_BUSY', 'ORIGO_DECODE_CONCURRENCY', 'ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS');
      expect(res.headers.get('retry-after')).toBe('1');
      await expectNothingStored(server, org, before);
      expect(server.deps.decodeQueue.waiting).toBe(0);
    } finally {
      slowDecode();
    }
    const later = await upload(server, org, [{ name: 'waits.png', bytes: await sharedPng(40, 30, true) }]);
    expect(later.status, later.text).toBe(200);
    expect(later.json.items[0]).toMatchObject({ width: 40, height: 30, opaque: true });
  });
});

describe('an upload waiting in the decode queue', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The default 30 s timeout: a waiter leaves only because its turn came or its client left.
    server = await startServer({ ORIGO_DECODE_CONCURRENCY: '1' });
  });
  afterAll(() => server.close());

  it('runs a waiting upload once the decode before it finishes', async () => {
    const org = await freshOrg(server);
    const slowDecode = await server.deps.decodeQueue.acquire({ timeoutMs: 60_000 });
    const pending = upload(server, org, [{ name: 'next.png', bytes: await sharedPng(8, 8, false) }]);
    await waitFor('the upload to queue', () => server.deps.decodeQueue.waiting === 1);
    slowDecode();
    const res = await pending;
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({ width: 8, height: 8, opaque: false });
  });

  it('leaves the queue when its client goes away, and its staged file is removed', async () => {
    const org = await freshOrg(server);
    const before = (await blobFiles(server)).blobs;
    const queue = server.deps.decodeQueue;
    const slowDecode = await queue.acquire({ timeoutMs: 60_000 });
    try {
      const client = new AbortController();
      const body = form([{ name: 'gone.png', bytes: await sharedPng(50, 50, true) }]);
      const pending = fetch(`${server.url}/sourceimages/${org}`, {
        method: 'POST',
        headers: { 'api-key': ROOT_KEY },
        body,
        signal: client.signal,
      }).catch((err: unknown) => err);
      await waitFor('the upload to queue', () => queue.waiting === 1);
      expect(stagedFiles(server)).toHaveLength(1);
      client.abort();
      expect(await pending).toBeInstanceOf(Error);
      await waitFor('the waiter to leave the queue', () => queue.waiting === 0);
      await waitFor('the staged file to be removed', () => stagedFiles(server).length === 0);
      await expectNothingStored(server, org, before);
      expect(queue.active).toBe(1); // only the test's own place
    } finally {
      slowDecode();
    }
  });
});

describe('ORIGO_DECODE_CONCURRENCY=2', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ORIGO_DECODE_CONCURRENCY: '2' });
  });
  afterAll(() => server.close());

  it('runs an upload while one of two places is taken, and queues it once both are', async () => {
    const org = await freshOrg(server);
    const queue = server.deps.decodeQueue;
    const first = await queue.acquire({ timeoutMs: 60_000 });
    try {
      // Fails at once, rather than after the queue timeout, if the upload queues.
      let settled = false;
      const queued = waitFor('the upload to queue', () => settled || queue.waiting > 0, 60_000).then(() => {
        if (!settled) throw new Error('the upload waited although one of two places was free');
      });
      const uploading = upload(server, org, [{ name: 'alongside.png', bytes: await sharedPng(9, 9, true) }]).finally(
        () => {
          settled = true;
        },
      );
      const alongside = await Promise.race([uploading, queued.then(() => undefined)]);
      expect(alongside?.status, alongside?.text).toBe(200);

      const second = await queue.acquire({ timeoutMs: 60_000 });
      const pending = upload(server, org, [{ name: 'after.png', bytes: await sharedPng(8, 8, true) }]);
      await waitFor('the upload to queue behind two held places', () => queue.waiting === 1);
      second();
      const after = await pending;
      expect(after.status, after.text).toBe(200);
      expect(after.json.items[0]).toMatchObject({ name: 'after.png', width: 8, height: 8, opaque: true });
    } finally {
      first();
    }
  });
});

describe('the opaque check on a PNG with alpha whose last row is not opaque', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('is found below the first strip', async () => {
    const org = await freshOrg(server);
    const width = 2000;
    const height = 1500;
    const pixels = Buffer.alloc(width * height * 4, 255);
    for (let x = 0; x < width; x++) pixels[((height - 1) * width + x) * 4 + 3] = 200;
    const bytes = await sharp(pixels, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer();
    const res = await upload(server, org, [{ name: 'last-row.png', bytes }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0]).toMatchObject({ width, height, opaque: false });
  });
});
