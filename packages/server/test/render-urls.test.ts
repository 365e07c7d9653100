// Render URLs over HTTP (spec RENDER.md §2, §4, §6, §8): what a page gets
// for the URLs rokka users write, checked by decoding the answer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import {
  asApiResult,
  BLUE,
  decode,
  GREEN,
  near,
  quartersPng,
  RED,
  render,
  twoFrameGif,
  uploaded,
  YELLOW,
} from './render-api.ts';

let server: TestServer;
let source: Buffer;
let hash: string;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  source = await quartersPng(200, 100);
  hash = await uploaded(server, 'acme', source);
});
afterAll(() => server.close());

const url = (ops: string, ext = 'png') => `/render/acme/dynamic/${ops}/${hash}.${ext}`;

async function dimensions(ops: string, ext = 'png'): Promise<[number, number]> {
  const res = await render(server, url(ops, ext));
  expect(res.status, res.bytes.toString()).toBe(200);
  const d = await decode(res.bytes);
  return [d.width, d.height];
}

describe('resize modes (rokka names, not sharp names)', () => {
  it('box fits inside the box keeping the aspect', async () => {
    expect(await dimensions('resize-width-100')).toEqual([100, 50]);
    expect(await dimensions('resize-width-80-height-80')).toEqual([80, 40]);
    expect(await dimensions('resize-height-20')).toEqual([40, 20]);
  });
  it('fill covers the box keeping the aspect, without cropping', async () => {
    expect(await dimensions('resize-width-80-height-80-mode-fill')).toEqual([160, 80]);
  });
  it('absolute is exactly the box', async () => {
    expect(await dimensions('resize-width-80-height-80-mode-absolute')).toEqual([80, 80]);
  });
  it('upscales by default and not with upscale false', async () => {
    expect(await dimensions('resize-width-400')).toEqual([400, 200]);
    expect(await dimensions('resize-width-400-upscale-false')).toEqual([200, 100]);
  });
  it('multiplies by dpr', async () => {
    expect(await dimensions('resize-width-50/o-dpr-2')).toEqual([100, 50]);
  });
});

describe('crops and other operations', () => {
  it('crops at a named anchor', async () => {
    const topLeft = await decode((await render(server, url('crop-width-100-height-50-anchor-left_top'))).bytes);
    expect([topLeft.width, topLeft.height]).toEqual([100, 50]);
    expect(near(topLeft.at(5, 5), RED)).toBe(true);
    expect(near(topLeft.at(95, 45), RED)).toBe(true);
    const bottomRight = await decode((await render(server, url('crop-width-100-height-50-anchor-right_bottom'))).bytes);
    expect(near(bottomRight.at(5, 5), YELLOW)).toBe(true);
    expect(near(bottomRight.at(95, 45), YELLOW)).toBe(true);
  });

  it('crops around the subject area with anchor auto', async () => {
    const res = await api(server, 'PUT', `/sourceimages/acme/${hash}/meta/dynamic/subject_area`, {
      body: JSON.stringify({ x: 150, y: 75, width: 1, height: 1 }),
    });
    expect(res.status, res.text).toBe(201);
    const withSubject: string = res.json.hash;
    const crop = await render(server, `/render/acme/dynamic/crop-width-100-height-50-anchor-auto/${withSubject}.png`);
    expect(crop.status).toBe(200);
    const d = await decode(crop.bytes);
    expect([d.width, d.height]).toEqual([100, 50]);
    expect(near(d.at(2, 2), YELLOW)).toBe(true);
    expect(near(d.at(97, 47), YELLOW)).toBe(true);
  });

  it('grayscale makes R = G = B', async () => {
    const d = await decode((await render(server, url('grayscale'))).bytes);
    for (const [x, y] of [
      [10, 10],
      [190, 10],
      [10, 90],
      [190, 90],
    ] as const) {
      const { r, g, b } = d.at(x, y);
      expect(r).toBe(g);
      expect(g).toBe(b);
    }
  });

  it('rotate 90 swaps the dimensions and turns clockwise', async () => {
    const d = await decode((await render(server, url('rotate-angle-90'))).bytes);
    expect([d.width, d.height]).toEqual([100, 200]);
    // Clockwise: the bottom-left quarter (blue) comes to the top-left.
    expect(near(d.at(10, 10), BLUE)).toBe(true);
    expect(near(d.at(90, 10), RED)).toBe(true);
  });

  it('renders the image as stored for an empty operation list', async () => {
    const res = await render(server, `/render/acme/dynamic//${hash}.png`);
    expect(res.status).toBe(200);
    const d = await decode(res.bytes);
    expect([d.format, d.width, d.height]).toEqual(['png', 200, 100]);
    expect(near(d.at(150, 25), GREEN, 0)).toBe(true);
  });
});

describe('the URL around the operations', () => {
  it('takes a short hash and ignores the SEO name', async () => {
    const image = await api(server, 'GET', `/sourceimages/acme/${hash}`);
    const short: string = image.json.short_hash;
    const res = await render(server, `/render/acme/dynamic/resize-width-50/${short}/holiday-picture.png`);
    expect(res.status).toBe(200);
    expect((await decode(res.bytes)).width).toBe(50);
  });

  it('answers each format in its own content type', async () => {
    for (const [ext, type, format] of [
      ['jpg', 'image/jpeg', 'jpeg'],
      ['png', 'image/png', 'png'],
      ['webp', 'image/webp', 'webp'],
      ['avif', 'image/avif', 'heif'],
      ['gif', 'image/gif', 'gif'],
    ] as const) {
      const res = await render(server, url('resize-width-40', ext));
      expect(res.status, ext).toBe(200);
      expect(res.headers.get('content-type'), ext).toBe(type);
      const d = await decode(res.bytes);
      expect(d.format, ext).toBe(format);
      expect(d.width, ext).toBe(40);
    }
  });

  it('keeps an animated GIF animated', async () => {
    const gif = await uploaded(server, 'acme', await twoFrameGif(), 'blink.gif');
    const res = await render(server, `/render/acme/dynamic/resize-width-20/${gif}.gif`);
    expect(res.status).toBe(200);
    const d = await decode(res.bytes);
    expect([d.format, d.pages, d.width, d.height]).toEqual(['gif', 2, 20, 15]);
    const still = await decode((await render(server, `/render/acme/dynamic/resize-width-20/${gif}.png`)).bytes);
    expect([still.pages, still.width]).toEqual([1, 20]);
  });

  it('answers content_disposition attachment as a download', async () => {
    const res = await render(server, url('resize-width-10/o-content_disposition-attachment'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment');
  });

  it('answers source_file with the original bytes', async () => {
    const res = await render(server, url('options-source_file-true'));
    expect(res.status).toBe(200);
    expect(res.bytes.equals(source)).toBe(true);
  });
});

describe('caching', () => {
  it('serves a repeated render from the cache with the same ETag and bytes', async () => {
    const first = await render(server, url('resize-width-64'));
    const second = await render(server, url('resize-width-64'));
    expect(first.headers.get('x-origo-render')).toBe('render');
    expect(second.headers.get('x-origo-render')).toBe('cache');
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(first.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(second.headers.get('content-length')).toBe(String(first.bytes.length));
  });

  it('renders afresh for a v<digits> cache buster, then caches that too', async () => {
    const path = (name: string) => `/render/acme/dynamic/resize-width-66/${hash}/${name}.png`;
    expect((await render(server, path('picture'))).headers.get('x-origo-render')).toBe('render');
    expect((await render(server, path('other-name'))).headers.get('x-origo-render')).toBe('cache');
    expect((await render(server, path('picture-v2'))).headers.get('x-origo-render')).toBe('render');
    expect((await render(server, path('picture-v2'))).headers.get('x-origo-render')).toBe('cache');
    expect((await render(server, path('v3'))).headers.get('x-origo-render')).toBe('render');
  });

  it('renders afresh when a subject area is changed in place (keepHash)', async () => {
    const own = await uploaded(server, 'acme', await quartersPng(200, 100), 'kept.png');
    const setSubject = (x: number, y: number) =>
      api(server, 'PUT', `/sourceimages/acme/${own}/meta/dynamic/subject_area?keepHash=true`, {
        body: JSON.stringify({ x, y, width: 1, height: 1 }),
      });
    const crop = `/render/acme/dynamic/crop-width-100-height-50-anchor-auto/${own}.png`;
    expect((await setSubject(10, 10)).status).toBe(201);
    expect(near((await decode((await render(server, crop)).bytes)).at(50, 25), RED)).toBe(true);
    expect((await setSubject(190, 90)).status).toBe(201);
    const after = await render(server, crop);
    expect(after.headers.get('x-origo-render')).toBe('render');
    expect(near((await decode(after.bytes)).at(50, 25), YELLOW)).toBe(true);
  });

  it('answers 304 to If-None-Match with the ETag, and HEAD without a body', async () => {
    const first = await render(server, url('resize-width-65'));
    const etag = first.headers.get('etag')!;
    const again = await render(server, url('resize-width-65'), { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    const head = await fetch(`${server.url}${url('resize-width-65')}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(first.bytes.length));
    expect(head.headers.get('etag')).toBe(etag);
  });

  it('answers WebP or AVIF by Accept under autoformat, with Vary: Accept', async () => {
    const ops = 'resize-width-30/options-autoformat-true';
    const avif = await render(server, url(ops, 'jpg'), { accept: 'image/avif,image/webp,*/*' });
    expect(avif.headers.get('content-type')).toBe('image/avif');
    expect(avif.headers.get('vary')).toBe('Accept');
    expect((await decode(avif.bytes)).format).toBe('heif');
    const webp = await render(server, url(ops, 'jpg'), { accept: 'image/webp,*/*' });
    expect(webp.headers.get('content-type')).toBe('image/webp');
    expect((await decode(webp.bytes)).format).toBe('webp');
    const plain = await render(server, url(ops, 'jpg'), { accept: 'image/png' });
    expect(plain.headers.get('content-type')).toBe('image/jpeg');
    expect(plain.headers.get('vary')).toBe('Accept');
    expect(webp.headers.get('etag')).not.toBe(plain.headers.get('etag'));
  });

  it('autoformats a PNG to lossless WebP, even where AVIF is accepted', async () => {
    const res = await render(server, url('o-af-1'), { accept: 'image/avif,image/webp' });
    expect(res.headers.get('content-type')).toBe('image/webp');
    const d = await decode(res.bytes);
    // Lossless: the quarters' colours come back exactly.
    expect([d.width, d.height]).toEqual([200, 100]);
    expect(d.at(10, 10)).toEqual(RED);
    expect(d.at(190, 90)).toEqual(YELLOW);
  });
});

describe('bad render URLs', () => {
  it('refuses an unknown operation', async () => {
    expectError(
      asApiResult(await render(server, url('frobnicate-x-1'))),
      400,
      'ORIGO_ERR_RENDER_UNKNOWN_OPERATION',
      'frobnicate',
    );
  });
  it('refuses an odd key/value count', async () => {
    expectError(
      asApiResult(await render(server, url('resize-width'))),
      400,
      'ORIGO_ERR_RENDER_BAD_URL',
      'resize-width',
    );
  });
  it('refuses an unknown option and an out-of-range value', async () => {
    expectError(
      asApiResult(await render(server, url('resize-colour-red'))),
      400,
      'ORIGO_ERR_RENDER_BAD_OPTION',
      'colour',
    );
    expectError(asApiResult(await render(server, url('resize-width-0'))), 400, 'ORIGO_ERR_RENDER_BAD_OPTION', 'width');
    expectError(
      asApiResult(await render(server, url('resize-width-10001'))),
      400,
      'ORIGO_ERR_RENDER_BAD_OPTION',
      '10001',
    );
    expectError(asApiResult(await render(server, url('blur-sigma-lots'))), 400, 'ORIGO_ERR_RENDER_BAD_OPTION', 'lots');
  });
  it('refuses an unknown format', async () => {
    expectError(
      asApiResult(await render(server, url('resize-width-10', 'bmp'))),
      400,
      'ORIGO_ERR_RENDER_UNKNOWN_FORMAT',
      'bmp',
    );
  });
  it('answers 404 for an unknown image, stack or organization', async () => {
    expectError(
      asApiResult(await render(server, `/render/acme/dynamic/resize-width-10/${'ab'.repeat(20)}.png`)),
      404,
      'ORIGO_ERR_IMAGE_NOT_FOUND',
    );
    expectError(
      asApiResult(await render(server, `/render/acme/no-such-stack/${hash}.png`)),
      404,
      'ORIGO_ERR_STACK_NOT_FOUND',
      'no-such-stack',
    );
    expectError(
      asApiResult(await render(server, `/render/nobody/dynamic/resize-width-10/${hash}.png`)),
      404,
      'ORIGO_ERR_ORG_NOT_FOUND',
      'nobody',
    );
  });
  it('refuses ?v that is not a JSON object', async () => {
    expectError(
      asApiResult(await render(server, `${url('resize-width-10')}?v=not-json`)),
      400,
      'ORIGO_ERR_RENDER_BAD_URL',
      'v',
    );
    expectError(
      asApiResult(await render(server, `${url('resize-width-10')}?v=%5B1%5D`)),
      400,
      'ORIGO_ERR_RENDER_BAD_URL',
      'v',
    );
  });

  it('refuses a path without a hash', async () => {
    expectError(
      asApiResult(await render(server, '/render/acme/dynamic/resize-width-10/not-a-hash.png')),
      400,
      'ORIGO_ERR_RENDER_BAD_URL',
    );
  });
});
