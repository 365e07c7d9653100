// Render paths as rokka users and rokka's clients write them, parsed into the
// RenderUrl the resolver receives. Expected values are written out by hand.

import { Rokka } from 'rokka';
import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../../errors.ts';
import type { RenderUrl } from '../model.ts';
import { parseRenderUrl } from './parse-render-url.ts';

const HASH = 'c1b110a3e';

function parsed(path: string, query = ''): RenderUrl {
  return parseRenderUrl(path, query);
}

/** The message of the 400 the path is refused with. */
function refusal(path: string, query = ''): string {
  try {
    parseRenderUrl(path, query);
  } catch (err) {
    if (isOrigoError(err) && err.code === 'ORIGO_ERR_RENDER_BAD_URL' && err.status === 400) return err.message;
    throw err;
  }
  throw new Error(`${path}?${query} was accepted`);
}

describe('parseRenderUrl: the spec example', () => {
  it('reads operations, stack options, variables, hash, SEO name and format', () => {
    expect(
      parsed(`/dynamic/resize-width-200--crop-width-100-height-100-anchor-auto/o-af-1/v-w-300/${HASH}/my-picture.jpg`),
    ).toEqual({
      stack: 'dynamic',
      operations: [
        { name: 'resize', options: { width: '200' }, expressions: {} },
        { name: 'crop', options: { width: '100', height: '100', anchor: 'auto' }, expressions: {} },
      ],
      operationOverrides: {},
      options: { af: '1' },
      variables: { w: '300' },
      hash: HASH,
      format: 'jpg',
      cacheBuster: undefined,
    });
  });

  it('reads a named stack with no segments', () => {
    expect(parsed('/mystack/0dcabb778d58d07ccd48b5ff291de05ba4374fb9.png')).toEqual({
      stack: 'mystack',
      operations: [],
      operationOverrides: {},
      options: {},
      variables: {},
      hash: '0dcabb778d58d07ccd48b5ff291de05ba4374fb9',
      format: 'png',
      cacheBuster: undefined,
    });
  });
});

describe('parseRenderUrl: segments', () => {
  it('ignores empty segments, as in getUrl(org, hash, "png", []) → dynamic//hash.png', () => {
    const url = parsed(`/dynamic//${HASH}.png`);
    expect(url.operations).toEqual([]);
    expect(url.hash).toBe(HASH);
    expect(parsed(`//dynamic//resize-width-10///o-af-1//${HASH}.png`).operations).toEqual([
      { name: 'resize', options: { width: '10' }, expressions: {} },
    ]);
  });

  it('keeps dynamic operations in order, the same name several times', () => {
    expect(parsed(`/dynamic/resize-width-100--grayscale--resize-height-50/${HASH}.jpg`).operations).toEqual([
      { name: 'resize', options: { width: '100' }, expressions: {} },
      { name: 'grayscale', options: {}, expressions: {} },
      { name: 'resize', options: { height: '50' }, expressions: {} },
    ]);
  });

  it('turns operation groups of later dynamic segments into overrides', () => {
    const url = parsed(
      `/dynamic/resize-width-100--crop-width-10-height-10/resize-width-300--crop-anchor-smart/${HASH}.jpg`,
    );
    expect(url.operations).toEqual([
      { name: 'resize', options: { width: '100' }, expressions: {} },
      { name: 'crop', options: { width: '10', height: '10' }, expressions: {} },
    ]);
    expect(url.operationOverrides).toEqual({ resize: { width: '300' }, crop: { anchor: 'smart' } });
  });

  it('turns every operation group of a named stack into an override, none into an operation', () => {
    const url = parsed(`/mystack/resize-width-300--blur-sigma-2/resize-height-20--o-dpr-2/${HASH}.jpg`);
    expect(url.operations).toEqual([]);
    expect(url.operationOverrides).toEqual({ resize: { width: '300', height: '20' }, blur: { sigma: '2' } });
    expect(url.options).toEqual({ dpr: '2' });
  });

  it('keeps an override that names an operation without options, so the resolver can check it', () => {
    expect(parsed(`/mystack/sepia/${HASH}.jpg`).operationOverrides).toEqual({ sepia: {} });
  });

  it('reads o/options and v/variables groups in any segment, and in the dynamic operation segment', () => {
    const url = parsed(
      `/dynamic/resize-width-1--o-af-1--v-a-x/options-dpr-2/variables-b-y--o-jpg.quality-70/${HASH}.jpg`,
    );
    expect(url.operations).toEqual([{ name: 'resize', options: { width: '1' }, expressions: {} }]);
    expect(url.options).toEqual({ af: '1', dpr: '2', 'jpg.quality': '70' });
    expect(url.variables).toEqual({ a: 'x', b: 'y' });
  });

  it('lets a later duplicate key win, within a group and across segments', () => {
    const url = parsed(`/dynamic/resize-width-100-width-200/o-af-1/o-af-0/v-w-1--v-w-2/${HASH}.jpg`);
    expect(url.operations[0]?.options).toEqual({ width: '200' });
    expect(url.options).toEqual({ af: '0' });
    expect(url.variables).toEqual({ w: '2' });
    expect(parsed(`/s/crop-width-1/crop-width-2/${HASH}.jpg`).operationOverrides).toEqual({ crop: { width: '2' } });
  });

  it('keeps values as strings, coercing nothing', () => {
    const url = parsed(`/dynamic/resize-width-200-upscale-false/o-af-true/${HASH}.jpg`);
    expect(url.operations[0]?.options).toEqual({ width: '200', upscale: 'false' });
    expect(url.options).toEqual({ af: 'true' });
  });

  it('percent-decodes keys and values', () => {
    const url = parsed(`/dynamic/crop-anchor-left%5Ftop-mo%64e-box/v-t-a%20b%2Dc/${HASH}.jpg`);
    expect(url.operations[0]?.options).toEqual({ anchor: 'left_top', mode: 'box' });
    // An encoded dash is part of the value, not a separator.
    expect(url.variables).toEqual({ t: 'a b-c' });
  });

  it('reads "--" before a number where a value is due as a negative value', () => {
    const url = parsed(`/dynamic/rotate-angle--90--dropshadow-horizontal--10-vertical-5/${HASH}.jpg`);
    expect(url.operations).toEqual([
      { name: 'rotate', options: { angle: '-90' }, expressions: {} },
      { name: 'dropshadow', options: { horizontal: '-10', vertical: '5' }, expressions: {} },
    ]);
  });
});

describe('parseRenderUrl: __undefined__', () => {
  it('drops keys whose value is __undefined__ (rokka-render writes falsy values so)', () => {
    const url = parsed(`/dynamic/blur-sigma-__undefined__--resize-width-10-upscale-__undefined__/${HASH}.jpg`);
    expect(url.operations).toEqual([
      { name: 'blur', options: {}, expressions: {} },
      { name: 'resize', options: { width: '10' }, expressions: {} },
    ]);
  });

  it('unsets an earlier value of the same key, in options, variables and overrides', () => {
    const url = parsed(
      `/s/resize-width-1/resize-width-__undefined__/o-af-1-af-__undefined__/v-a-1/v-a-__undefined__/${HASH}.jpg`,
    );
    expect(url.operationOverrides).toEqual({ resize: {} });
    expect(url.options).toEqual({});
    expect(url.variables).toEqual({});
  });
});

describe('parseRenderUrl: expressions in brackets', () => {
  it('keeps a bracketed value whole, dashes and double dashes included', () => {
    const url = parsed(`/dynamic/resize-width-[$w - 10]-height-[$h--1]--crop-width-[$w]/${HASH}.jpg`);
    expect(url.operations).toEqual([
      { name: 'resize', options: { width: '[$w - 10]', height: '[$h--1]' }, expressions: {} },
      { name: 'crop', options: { width: '[$w]' }, expressions: {} },
    ]);
  });

  it('accepts percent-encoded brackets and decodes the expression', () => {
    const url = parsed(`/dynamic/resize-width-%5B$w%20-%202%5D--blur-sigma-%5b$s%5d/${HASH}.jpg`);
    expect(url.operations).toEqual([
      { name: 'resize', options: { width: '[$w - 2]' }, expressions: {} },
      { name: 'blur', options: { sigma: '[$s]' }, expressions: {} },
    ]);
  });

  it('keeps a "/" inside brackets inside its segment', () => {
    expect(parsed(`/dynamic/resize-width-[image.width / 2]/${HASH}.jpg`).operations).toEqual([
      { name: 'resize', options: { width: '[image.width / 2]' }, expressions: {} },
    ]);
  });

  it('keeps nested brackets together', () => {
    expect(parsed(`/dynamic/resize-width-[a[b-c]d-e]/${HASH}.jpg`).operations[0]?.options).toEqual({
      width: '[a[b-c]d-e]',
    });
  });

  it('refuses an expression that is never closed, quoting it', () => {
    expect(refusal(`/dynamic/resize-width-[$w-height-10/${HASH}.jpg`)).toContain('"[$w-height-10/');
  });
});

describe('parseRenderUrl: refused segments', () => {
  it('refuses an odd key/value count, naming the group', () => {
    const message = refusal(`/dynamic/resize-width-200-height--crop-width-1-height-1/${HASH}.jpg`);
    expect(message).toContain('"resize-width-200-height"');
    expect(message).toContain('"height"');
    expect(refusal(`/mystack/o-af/${HASH}.jpg`)).toContain('"o-af"');
  });

  it('refuses group names that are empty or use other characters', () => {
    expect(refusal(`/dynamic/-width-1/${HASH}.jpg`)).toContain('"-width-1"');
    expect(refusal(`/dynamic/Resize-width-1/${HASH}.jpg`)).toContain('"Resize"');
    expect(refusal(`/dynamic/re%24size-width-1/${HASH}.jpg`)).toContain('"re$size"');
  });

  it('refuses broken percent-encoding in a value, quoting it', () => {
    expect(refusal(`/dynamic/resize-width-%E0%A4/${HASH}.jpg`)).toContain('"%E0%A4"');
  });
});

describe('parseRenderUrl: the image', () => {
  it('lower-cases the hash and the extension, and accepts short hashes', () => {
    const url = parsed('/dynamic/C1B110.JPG');
    expect(url.hash).toBe('c1b110');
    expect(url.format).toBe('jpg');
  });

  it('keeps any extension for the normalizer to check', () => {
    expect(parsed(`/dynamic/${HASH}.jpeg`).format).toBe('jpeg');
    expect(parsed(`/dynamic/${HASH}.blurhash`).format).toBe('blurhash');
  });

  it('ignores an SEO name after the hash, whatever it contains', () => {
    for (const seo of ['my-picture', 'my.picture', 'caf%C3%A9', '100%', '[draft', 'a--b-c']) {
      const url = parsed(`/dynamic/resize-width-10/${HASH}/${seo}.webp`);
      expect(url.hash).toBe(HASH);
      expect(url.format).toBe('webp');
      expect(url.operations).toEqual([{ name: 'resize', options: { width: '10' }, expressions: {} }]);
    }
  });

  it('reads a v<digits> at the end of the SEO name as a cache buster', () => {
    const full = '68e13ab4522ccd1084e21b721c2b626f5c2634ef';
    expect(parsed(`/plain/${full}/v1.jpg`).cacheBuster).toBe('1');
    expect(parsed(`/plain/${full}/some_name-v12.jpg`).cacheBuster).toBe('12');
    expect(parsed(`/plain/${full}/v1-name.jpg`).cacheBuster).toBeUndefined();
    expect(parsed(`/plain/${full}.jpg`).cacheBuster).toBeUndefined();
  });

  it('takes a hash-like last name as the image, not as an SEO name', () => {
    const url = parsed('/mystack/abcdef/123456.jpg');
    expect(url.hash).toBe('123456');
    expect(url.operationOverrides).toEqual({ abcdef: {} });
  });

  it('refuses an SEO name that follows something other than a hash, naming it', () => {
    expect(refusal('/dynamic/resize-width-10/my-picture.jpg')).toContain('"resize-width-10"');
    expect(refusal('/dynamic/c1b11/my-picture.jpg')).toContain('"c1b11"');
    expect(refusal(`/dynamic/${'a'.repeat(41)}/my-picture.jpg`)).toContain(`"${'a'.repeat(41)}"`);
    expect(refusal('/dynamic/c1b11g.jpg')).toContain('"c1b11g"');
  });

  it('refuses a path without an extension, or without stack or image', () => {
    expect(refusal(`/dynamic/${HASH}`)).toContain(`"${HASH}"`);
    expect(refusal(`/dynamic/${HASH}.`)).toContain('empty extension');
    expect(refusal(`/${HASH}.jpg`)).toContain('needs a stack and an image');
    expect(refusal('/')).toContain('needs a stack and an image');
  });
});

describe('parseRenderUrl: ?v', () => {
  it('reads a JSON object of variables, keeping its types, over the v groups', () => {
    const query = `v=${encodeURIComponent(JSON.stringify({ w: 500, text: 'a-b c', on: true }))}`;
    expect(parsed(`/mystack/v-w-300-x-1/${HASH}.jpg`, query).variables).toEqual({
      w: 500,
      x: '1',
      text: 'a-b c',
      on: true,
    });
  });

  it('decodes the query as a form, as rokka.js writes it (+ is a space)', () => {
    expect(parsed(`/mystack/${HASH}.jpg`, 'v=%7B%22t%22%3A%22hello+world%22%7D').variables).toEqual({
      t: 'hello world',
    });
  });

  it('drops variables that are null or __undefined__, and takes the last v when there are several', () => {
    const query = 'v={"a":"1"}&v={"b":null,"c":"__undefined__","d":2}';
    expect(parsed(`/mystack/v-b-1-c-1/${HASH}.jpg`, query).variables).toEqual({ d: 2 });
  });

  it('ignores sig, sigopts and other parameters', () => {
    const url = parsed(`/mystack/${HASH}.jpg`, 'sig=0123456789abcdef&sigopts=%7B%7D&utm_source=x');
    expect(url.variables).toEqual({});
    expect(url.options).toEqual({});
  });

  it('refuses ?v that is not JSON, not an object, or holds nested values', () => {
    expect(refusal(`/mystack/${HASH}.jpg`, 'v={nope')).toContain('not valid JSON');
    expect(refusal(`/mystack/${HASH}.jpg`, 'v=[1,2]')).toContain('JSON object');
    expect(refusal(`/mystack/${HASH}.jpg`, 'v="x"')).toContain('JSON object');
    expect(refusal(`/mystack/${HASH}.jpg`, 'v={"a":{"b":1}}')).toContain('"a"');
  });
});

describe('parseRenderUrl: what rokka.js writes', () => {
  const rokka = new Rokka({ renderHost: 'http://origo:8080/render/{organization}' });
  const prefix = 'http://origo:8080/render/acme';

  function parsedFromClient(url: string): RenderUrl {
    expect(url.startsWith(prefix)).toBe(true);
    const rest = new URL(url);
    return parseRenderUrl(rest.pathname.slice('/render/acme'.length), rest.search.replace(/^\?/, ''));
  }

  it('parses getUrl with operations, stack options, a file name and variables', () => {
    const url = rokka.render.getUrl(
      'acme',
      HASH,
      'jpg',
      [
        { name: 'resize', options: { width: 200, height: 0 } },
        { name: 'blur', options: { sigma: 0 } },
      ],
      { filename: 'my-picture', stackoptions: { af: 1 }, variables: { w: 300, text: 'hello world' } },
    );
    expect(parsedFromClient(url)).toEqual({
      stack: 'dynamic',
      operations: [
        { name: 'resize', options: { width: '200' }, expressions: {} },
        { name: 'blur', options: {}, expressions: {} },
      ],
      operationOverrides: {},
      options: { af: '1' },
      variables: { w: '300', text: 'hello world' },
      hash: HASH,
      format: 'jpg',
      cacheBuster: undefined,
    });
  });

  it('parses getUrl with no operations', () => {
    expect(parsedFromClient(rokka.render.getUrl('acme', HASH, 'png', [])).operations).toEqual([]);
  });
});
