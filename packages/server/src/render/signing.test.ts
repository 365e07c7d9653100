// Signed render URLs: the spec's test vectors, verification as a render
// request sees it, and signing as rokka.js does it. Expected signatures are
// the spec's vectors, or sha256 computed here over a string written out by hand.

import { createHash } from 'node:crypto';
import { Rokka } from 'rokka';
import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../errors.ts';
import { renderSignature, signRenderUrl, verifyRenderSignature, withoutSeoName } from './signing.ts';

const KEY = 'OCOuisGe30QyocYkQN1SPErGGKunyuhZ';
const OTHER_KEY = 'ZhuynuKGGrEPS1NkQYyocyQ03eGsiuOCO';
const UNTIL_2050 = '%7B%22until%22%3A%222050-02-08T07%3A05%3A00.000Z%22%7D';
const V_A_B = '%7B%22a%22%3A%22b%22%7D';
const NOW = new Date('2026-12-02T06:00:00Z');

/** The signature computed by hand: sha256 of exactly what is signed. */
function sha16(signed: string, key = KEY): string {
  return createHash('sha256').update(`${signed}:${key}`).digest('hex').slice(0, 16);
}

describe('renderSignature: the spec §7 test vectors', () => {
  it('signs a path without a query', () => {
    expect(renderSignature('/dynamic/c1b110.jpg', '', KEY)).toBe('62e7a9ccd3dea053');
  });

  it('signs a path with sigopts', () => {
    expect(renderSignature('/dynamic/c1b110.jpg', `sigopts=${UNTIL_2050}`, KEY)).toBe('0f6370995020ce81');
  });

  it('signs a path with ?v', () => {
    expect(renderSignature('/dynamic/c1b110.jpg', `v=${V_A_B}`, KEY)).toBe('9259f07089f76a05');
    expect(renderSignature('/dynamic/c1b110.jpg', `?v=${V_A_B}`, KEY)).toBe('9259f07089f76a05');
  });
});

describe('SEO names in signatures', () => {
  it('strips the SEO name after the hash, so it does not change the signature', () => {
    expect(renderSignature('/dynamic/c1b110/my-picture.jpg', '', KEY)).toBe('62e7a9ccd3dea053');
    expect(renderSignature('/dynamic/c1b110/other_name-v2.jpg', `v=${V_A_B}`, KEY)).toBe('9259f07089f76a05');
  });

  it('strips it behind a /render/{org} prefix and after segments', () => {
    expect(
      withoutSeoName('/render/acme/dynamic/resize-width-10/0dcabb778d58d07ccd48b5ff291de05ba4374fb9/a%20b.png'),
    ).toBe('/render/acme/dynamic/resize-width-10/0dcabb778d58d07ccd48b5ff291de05ba4374fb9.png');
  });

  it('leaves paths without an SEO name alone', () => {
    expect(withoutSeoName('/dynamic/c1b110.jpg')).toBe('/dynamic/c1b110.jpg');
    expect(withoutSeoName('/dynamic/resize-width-10/c1b110.jpg')).toBe('/dynamic/resize-width-10/c1b110.jpg');
    // Nothing before the hash: not a render path with a stack, so nothing is an SEO name.
    expect(withoutSeoName('/c1b110/name.jpg')).toBe('/c1b110/name.jpg');
  });
});

describe('verifyRenderSignature', () => {
  const verify = (path: string, query: string, keys = [KEY], now = NOW) =>
    verifyRenderSignature(path, query, keys, now);

  it('accepts the spec vectors as requests', () => {
    expect(verify('/dynamic/c1b110.jpg', 'sig=62e7a9ccd3dea053')).toBe('valid');
    expect(verify('/dynamic/c1b110.jpg', `sigopts=${UNTIL_2050}&sig=0f6370995020ce81`)).toBe('valid');
    expect(verify('/dynamic/c1b110.jpg', `?v=${V_A_B}&sig=9259f07089f76a05`)).toBe('valid');
  });

  it('answers unsigned when there is no sig, even with sigopts', () => {
    expect(verify('/dynamic/c1b110.jpg', '')).toBe('unsigned');
    expect(verify('/dynamic/c1b110.jpg', `sigopts=${UNTIL_2050}&v=${V_A_B}`)).toBe('unsigned');
  });

  it('finds sig anywhere in the query and keeps the other parameters in their order', () => {
    expect(verify('/dynamic/c1b110.jpg', `sig=9259f07089f76a05&v=${V_A_B}`)).toBe('valid');
    const signed = sha16('/s/c1b110.jpg?a=1&b=2');
    expect(verify('/s/c1b110.jpg', `a=1&sig=${signed}&b=2`)).toBe('valid');
    expect(verify('/s/c1b110.jpg', `b=2&sig=${signed}&a=1`)).toBe('invalid');
  });

  it('accepts a signature with or without the SEO name in what was signed', () => {
    expect(verify('/dynamic/c1b110/any-name.jpg', 'sig=62e7a9ccd3dea053')).toBe('valid');
    expect(verify('/dynamic/c1b110/any-name.jpg', `sig=${sha16('/dynamic/c1b110/any-name.jpg')}`)).toBe('valid');
    // A name rokka.js does not strip (it has a dot) was signed as it is.
    expect(verify('/dynamic/c1b110/my.name.jpg', `sig=${sha16('/dynamic/c1b110/my.name.jpg')}`)).toBe('valid');
  });

  it('refuses a tampered path or query', () => {
    expect(verify('/dynamic/c1b111.jpg', 'sig=62e7a9ccd3dea053')).toBe('invalid');
    expect(verify('/dynamic/resize-width-10/c1b110.jpg', 'sig=62e7a9ccd3dea053')).toBe('invalid');
    expect(verify('/dynamic/c1b110.jpg', `v=${V_A_B}&x=1&sig=9259f07089f76a05`)).toBe('invalid');
  });

  it('refuses a wrong key and accepts any of the organization keys', () => {
    expect(verify('/dynamic/c1b110.jpg', 'sig=62e7a9ccd3dea053', [OTHER_KEY])).toBe('invalid');
    expect(verify('/dynamic/c1b110.jpg', 'sig=62e7a9ccd3dea053', [OTHER_KEY, KEY])).toBe('valid');
    expect(verify('/dynamic/c1b110.jpg', 'sig=62e7a9ccd3dea053', [])).toBe('invalid');
  });

  it('refuses malformed or repeated signatures, and accepts upper-case hex', () => {
    expect(verify('/dynamic/c1b110.jpg', 'sig=62e7a9ccd3dea05')).toBe('invalid');
    expect(verify('/dynamic/c1b110.jpg', 'sig=')).toBe('invalid');
    expect(verify('/dynamic/c1b110.jpg', 'sig=62e7a9ccd3dea053&sig=62e7a9ccd3dea053')).toBe('invalid');
    expect(verify('/dynamic/c1b110.jpg', 'sig=62E7A9CCD3DEA053')).toBe('valid');
  });

  it('answers expired once until has passed, valid until then', () => {
    const query = `sigopts=${UNTIL_2050}&sig=0f6370995020ce81`;
    expect(verify('/dynamic/c1b110.jpg', query, [KEY], new Date('2050-02-08T07:05:00.000Z'))).toBe('valid');
    expect(verify('/dynamic/c1b110.jpg', query, [KEY], new Date('2050-02-08T07:05:00.001Z'))).toBe('expired');
  });

  it('answers invalid, not expired, when an expired signature does not match', () => {
    const past = encodeURIComponent('{"until":"2020-01-01T00:00:00.000Z"}');
    const good = sha16(`/dynamic/c1b110.jpg?sigopts=${past}`);
    expect(verify('/dynamic/c1b110.jpg', `sigopts=${past}&sig=${good}`)).toBe('expired');
    expect(verify('/dynamic/c1b110.jpg', `sigopts=${past}&sig=${good}`, [OTHER_KEY])).toBe('invalid');
    expect(verify('/dynamic/c1b111.jpg', `sigopts=${past}&sig=${good}`)).toBe('invalid');
  });

  it('answers invalid for a well-signed sigopts that cannot be read', () => {
    for (const sigopts of ['{nope', '[1]', '"x"', '{"until":12}', '{"until":"someday"}']) {
      const raw = encodeURIComponent(sigopts);
      const query = `sigopts=${raw}&sig=${sha16(`/dynamic/c1b110.jpg?sigopts=${raw}`)}`;
      expect(verify('/dynamic/c1b110.jpg', query), sigopts).toBe('invalid');
    }
    const twice = `sigopts=${UNTIL_2050}&sigopts=${UNTIL_2050}`;
    expect(verify('/dynamic/c1b110.jpg', `${twice}&sig=${sha16(`/dynamic/c1b110.jpg?${twice}`)}`)).toBe('invalid');
  });

  it('treats sigopts without until as no limit', () => {
    const raw = encodeURIComponent('{}');
    expect(verify('/dynamic/c1b110.jpg', `sigopts=${raw}&sig=${sha16(`/dynamic/c1b110.jpg?sigopts=${raw}`)}`)).toBe(
      'valid',
    );
  });
});

describe('signRenderUrl', () => {
  const rokka = new Rokka();

  it('produces the spec vector, until rounded up to five minutes', () => {
    expect(
      signRenderUrl('https://acme.rokka.io/dynamic/c1b110.jpg', KEY, {
        until: new Date('2050-02-08T07:03:01Z'),
        roundDateUpToSeconds: 300,
      }),
    ).toBe(`https://acme.rokka.io/dynamic/c1b110.jpg?sigopts=${UNTIL_2050}&sig=0f6370995020ce81`);
  });

  it('signs without sigopts when no until is given, dropping an old sig and sigopts', () => {
    expect(signRenderUrl(`https://acme.rokka.io/dynamic/c1b110.jpg?sigopts=${UNTIL_2050}&sig=0000`, KEY, {})).toBe(
      'https://acme.rokka.io/dynamic/c1b110.jpg?sig=62e7a9ccd3dea053',
    );
  });

  it('answers what rokka.js render.signUrl answers for the same input', () => {
    const urls = [
      'http://origo:8080/render/acme/dynamic/c1b110.jpg',
      'http://origo:8080/render/acme/dynamic/resize-width-200/c1b110/my-picture.jpg?v={"a":"b c"}',
      'http://origo:8080/render/acme/mystack/c1b110a3e.png?sig=abc&x=1&sigopts=old',
      'https://acme.rokka.io/dynamic/c1b110/name.with.dots.jpg?b=2&a=1',
    ];
    const until = new Date('2031-05-06T07:08:09.123Z');
    for (const url of urls) {
      expect(signRenderUrl(url, KEY, {}), url).toBe(rokka.render.signUrl(url, KEY));
      expect(signRenderUrl(url, KEY, { until, roundDateUpToSeconds: 300 }), url).toBe(
        rokka.render.signUrl(url, KEY, { until, roundDateUpTo: 300 }),
      );
      expect(signRenderUrl(url, KEY, { until }), url).toBe(rokka.render.signUrl(url, KEY, { until, roundDateUpTo: 1 }));
    }
  });

  it('signs URLs that verify, with or without their SEO name put back', () => {
    const signed = new URL(
      signRenderUrl('http://origo:8080/render/acme/dynamic/c1b110/my-picture.jpg?v={"a":"b"}', KEY, {
        until: new Date('2030-01-01T00:00:00Z'),
      }),
    );
    const query = signed.search.slice(1);
    expect(verifyRenderSignature(signed.pathname, query, [KEY], NOW)).toBe('valid');
    expect(verifyRenderSignature('/render/acme/dynamic/c1b110/my-picture.jpg', query, [KEY], NOW)).toBe('valid');
    expect(verifyRenderSignature(signed.pathname, query, [KEY], new Date('2030-01-01T00:00:01Z'))).toBe('expired');
  });

  it('refuses a URL that is not absolute, or a date that is not one', () => {
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isOrigoError(err) ? `${err.status} ${err.code}` : 'other';
      }
      return 'none';
    };
    expect(caught(() => signRenderUrl('/dynamic/c1b110.jpg', KEY, {}))).toBe('400 ORIGO_ERR_REQUEST_BAD_BODY');
    expect(caught(() => signRenderUrl('https://a.b/dynamic/c1b110.jpg', KEY, { until: new Date('x') }))).toBe(
      '400 ORIGO_ERR_REQUEST_BAD_BODY',
    );
  });
});
