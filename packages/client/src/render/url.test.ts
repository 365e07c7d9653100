// Render URLs built from options, written out by hand from
// docs/reference/rendering.md, and compared with rokka.js's render.getUrl.

import { Rokka } from 'rokka';
import { describe, expect, it } from 'vitest';
import { RenderUrlError } from './errors.ts';
import { renderUrl } from './url.ts';

const HASH = 'c1b110aabbccddeeff00112233445566778899aa';
const ORIGO = { baseUrl: 'http://origo:8080', organization: 'acme' } as const;

describe('renderUrl', () => {
  it('builds dynamic renders under /render/{org} of the API base', () => {
    expect(
      renderUrl({
        ...ORIGO,
        hash: 'c1b110',
        format: 'webp',
        operations: [
          { name: 'resize', options: { width: 400 } },
          { name: 'crop', options: { width: 300, height: 300, anchor: 'auto' } },
        ],
      }),
    ).toBe('http://origo:8080/render/acme/dynamic/resize-width-400--crop-width-300-height-300-anchor-auto/c1b110.webp');
    expect(renderUrl({ ...ORIGO, baseUrl: 'http://origo:8080/', hash: 'c1b110', format: 'png' })).toBe(
      'http://origo:8080/render/acme/dynamic/noop/c1b110.png',
    );
  });

  it('builds named stacks with overrides, stack options, variables and an SEO name', () => {
    expect(renderUrl({ ...ORIGO, stack: 'thumbnail', hash: 'c1b110', format: 'jpg', seoName: 'my-picture' })).toBe(
      'http://origo:8080/render/acme/thumbnail/c1b110/my-picture.jpg',
    );
    expect(
      renderUrl({
        ...ORIGO,
        stack: 'thumbnail',
        hash: 'C1B110',
        format: 'JPG',
        operations: [{ name: 'resize', options: { width: 200 } }],
        options: { dpr: 2 },
      }),
    ).toBe('http://origo:8080/render/acme/thumbnail/resize-width-200/o-dpr-2/c1b110.jpg');
    expect(
      renderUrl({ ...ORIGO, stack: 'teaser', hash: 'c1b110', format: 'jpg', variables: { w: 640, title: 'Summer' } }),
    ).toBe('http://origo:8080/render/acme/teaser/v-w-640-title-Summer/c1b110.jpg');
  });

  it('puts variables that cannot sit in the path into ?v= as JSON', () => {
    expect(
      renderUrl({
        ...ORIGO,
        stack: 'teaser',
        hash: 'c1b110',
        format: 'jpg',
        variables: { w: 640, title: 'Summer sea', long: 'abcdefghijklmnopqrstu', flag: true, gone: null },
      }),
    ).toBe(
      'http://origo:8080/render/acme/teaser/v-w-640-flag-true/c1b110.jpg?v=%7B%22title%22%3A%22Summer+sea%22%2C%22long%22%3A%22abcdefghijklmnopqrstu%22%7D',
    );
    expect(renderUrl({ ...ORIGO, stack: 'teaser', hash: 'c1b110', format: 'jpg', variables: { 'a-b': 1 } })).toBe(
      'http://origo:8080/render/acme/teaser/c1b110.jpg?v=%7B%22a-b%22%3A1%7D',
    );
  });

  it('writes unset values as __undefined__, keeps false and 0, encodes - and / inside values', () => {
    expect(
      renderUrl({
        ...ORIGO,
        hash: 'c1b110',
        format: 'png',
        operations: [
          { name: 'resize', options: { width: 100, height: undefined, upscale: false } },
          { name: 'crop', options: { width: 50, height: 50, movearea_x: 0, area: null, anchor: 'left-top' } },
          { name: 'rotate', options: { angle: -90, background_color: 'a/b' } },
        ],
      }),
    ).toBe(
      'http://origo:8080/render/acme/dynamic/resize-width-100-height-__undefined__-upscale-false' +
        '--crop-width-50-height-50-movearea_x-0-area-__undefined__-anchor-left%2Dtop' +
        '--rotate-angle--90-background_color-a%2Fb/c1b110.png',
    );
  });

  it('keeps expressions in brackets', () => {
    expect(
      renderUrl({
        ...ORIGO,
        hash: 'c1b110',
        format: 'jpg',
        operations: [{ name: 'resize', options: { width: '[$w * 2 - 10]' } }],
      }),
    ).toBe('http://origo:8080/render/acme/dynamic/resize-width-[%24w%20*%202%20-%2010]/c1b110.jpg');
  });

  it('fills {organization} into a render host', () => {
    expect(
      renderUrl({ renderHost: 'https://{organization}.rokka.io', organization: 'acme', hash: 'c1b110', format: 'gif' }),
    ).toBe('https://acme.rokka.io/dynamic/noop/c1b110.gif');
    expect(
      renderUrl({
        renderHost: 'https://acme.images.example.com/',
        organization: 'acme',
        hash: 'c1b110',
        format: 'gif',
      }),
    ).toBe('https://acme.images.example.com/dynamic/noop/c1b110.gif');
  });

  it('makes SEO names that the server ignores', () => {
    const seo = (seoName: string) => renderUrl({ ...ORIGO, hash: 'c1b110', format: 'jpg', stack: 's', seoName });
    expect(seo('Holiday at the sea.v2')).toBe('http://origo:8080/render/acme/s/c1b110/Holiday-at-the-sea-v2.jpg');
    expect(seo('Zürich/am^See')).toBe('http://origo:8080/render/acme/s/c1b110/Z%C3%BCrich-am-See.jpg');
    expect(seo(' . ')).toBe('http://origo:8080/render/acme/s/c1b110.jpg');
    expect(() => seo('cafe00')).toThrow(RenderUrlError);
  });

  it('refuses what origo could not read', () => {
    expect(() => renderUrl({ ...ORIGO, hash: 'xyz', format: 'jpg' })).toThrow('"xyz" is not an image hash');
    expect(() => renderUrl({ ...ORIGO, hash: 'c1b110', format: 'j.pg' })).toThrow('not an image format');
    expect(() => renderUrl({ ...ORIGO, hash: 'c1b110', format: 'jpg', stack: 'a/b' })).toThrow('not a stack name');
    expect(() =>
      renderUrl({
        ...ORIGO,
        hash: 'c1b110',
        format: 'jpg',
        operations: [{ name: 'resize', options: { width: Number.NaN } }],
      }),
    ).toThrow(RenderUrlError);
  });

  it('refuses at compile time options an operation does not have', () => {
    // Checked by tsc (the client's typecheck); never run.
    const unrun = () => {
      // @ts-expect-error resize has no option widht
      renderUrl({ ...ORIGO, hash: 'c1b110', format: 'jpg', operations: [{ name: 'resize', options: { widht: 1 } }] });
      // @ts-expect-error no such operation
      renderUrl({ ...ORIGO, hash: 'c1b110', format: 'jpg', operations: [{ name: 'resise' }] });
      // @ts-expect-error a width is a number or an expression
      renderUrl({ ...ORIGO, hash: 'c1b110', format: 'jpg', operations: [{ name: 'resize', options: { width: '2' } }] });
      // @ts-expect-error renderHost or baseUrl, not both
      renderUrl({ ...ORIGO, renderHost: 'https://x', hash: 'c1b110', format: 'jpg' });
    };
    expect(typeof unrun).toBe('function');
  });

  it('makes what rokka.js makes for the same input', () => {
    const rokka = new Rokka({ renderHost: 'http://origo:8080/render/{organization}' });
    const operations = [
      { name: 'resize', options: { width: 200, height: 150, mode: 'fill' } },
      { name: 'crop', options: { width: 100, height: 100, anchor: 'center_center' } },
    ] as const;
    expect(renderUrl({ ...ORIGO, hash: HASH, format: 'png', operations: [...operations] })).toBe(
      rokka.render.getUrl('acme', HASH, 'png', [...operations]),
    );
    expect(renderUrl({ ...ORIGO, hash: HASH, format: 'jpg', stack: 'thumbnail', seoName: 'holiday' })).toBe(
      rokka.render.getUrl('acme', HASH, 'jpg', 'thumbnail', { filename: 'holiday' }),
    );
    expect(renderUrl({ ...ORIGO, hash: HASH, format: 'webp', stack: 'thumb', options: { 'webp.quality': 50 } })).toBe(
      rokka.render.getUrl('acme', HASH, 'webp', 'thumb', { stackoptions: { 'webp.quality': 50 } }),
    );
    const variables = { w: 640, title: 'Summer sea', c: 'x-y' };
    expect(renderUrl({ ...ORIGO, hash: HASH, format: 'jpg', stack: 'teaser', variables })).toBe(
      rokka.render.getUrl('acme', HASH, 'jpg', 'teaser', { variables }),
    );
    expect(renderUrl({ ...ORIGO, hash: HASH, format: 'jpg' })).toBe(rokka.render.getUrl('acme', HASH, 'jpg', ''));
  });
});
