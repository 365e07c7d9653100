// Signatures against the vectors of the spec and against what rokka.js's
// render.signUrl makes for the same input.

import { Rokka } from 'rokka';
import { describe, expect, it } from 'vitest';
import { renderSignature, signUrl, withoutSeoName } from './sign.ts';

const KEY = 'OCOuisGe30QyocYkQN1SPErGGKunyuhZ';

describe('renderSignature', () => {
  it('matches the vectors of the spec', async () => {
    expect(await renderSignature('/dynamic/c1b110.jpg', KEY)).toBe('62e7a9ccd3dea053');
    expect(
      await renderSignature('/dynamic/c1b110.jpg?sigopts=%7B%22until%22%3A%222050-02-08T07%3A05%3A00.000Z%22%7D', KEY),
    ).toBe('0f6370995020ce81');
    expect(await renderSignature('/dynamic/c1b110.jpg?v=%7B%22a%22%3A%22b%22%7D', KEY)).toBe('9259f07089f76a05');
  });
});

describe('signUrl', () => {
  it('signs the spec URLs to the spec signatures', async () => {
    expect(await signUrl('https://acme.rokka.io/dynamic/c1b110.jpg', KEY)).toBe(
      'https://acme.rokka.io/dynamic/c1b110.jpg?sig=62e7a9ccd3dea053',
    );
    expect(
      await signUrl('https://acme.rokka.io/dynamic/c1b110.jpg', KEY, { until: new Date('2050-02-08T07:05:00Z') }),
    ).toBe(
      'https://acme.rokka.io/dynamic/c1b110.jpg?sigopts=%7B%22until%22%3A%222050-02-08T07%3A05%3A00.000Z%22%7D&sig=0f6370995020ce81',
    );
    // The query is written as a form (as URLSearchParams does) before it is signed.
    expect(await signUrl('https://acme.rokka.io/dynamic/c1b110.jpg?v={"a":"b"}', KEY)).toBe(
      'https://acme.rokka.io/dynamic/c1b110.jpg?v=%7B%22a%22%3A%22b%22%7D&sig=9259f07089f76a05',
    );
  });

  it('leaves the SEO name out of the signature, and out of the URL unless kept', async () => {
    expect(await signUrl('https://acme.rokka.io/dynamic/c1b110/holiday.jpg', KEY)).toBe(
      'https://acme.rokka.io/dynamic/c1b110.jpg?sig=62e7a9ccd3dea053',
    );
    expect(await signUrl('https://acme.rokka.io/dynamic/c1b110/holiday.jpg', KEY, { keepSeoName: true })).toBe(
      'https://acme.rokka.io/dynamic/c1b110/holiday.jpg?sig=62e7a9ccd3dea053',
    );
  });

  it('replaces an old sig and sigopts, and rounds until up to 300 s unless told', async () => {
    const old = 'https://acme.rokka.io/dynamic/c1b110.jpg?sig=0000000000000000&sigopts=%7B%7D';
    expect(await signUrl(old, KEY)).toBe('https://acme.rokka.io/dynamic/c1b110.jpg?sig=62e7a9ccd3dea053');
    const rounded = new URL(await signUrl(old, KEY, { until: new Date('2050-02-08T07:01:01Z') }));
    expect(rounded.searchParams.get('sigopts')).toBe('{"until":"2050-02-08T07:05:00.000Z"}');
    const exact = new URL(await signUrl(old, KEY, { until: new Date('2050-02-08T07:01:01Z'), roundDateUpTo: 0 }));
    expect(exact.searchParams.get('sigopts')).toBe('{"until":"2050-02-08T07:01:01.000Z"}');
    const hourly = new URL(await signUrl(old, KEY, { until: new Date('2050-02-08T07:01:01Z'), roundDateUpTo: 3600 }));
    expect(hourly.searchParams.get('sigopts')).toBe('{"until":"2050-02-08T08:00:00.000Z"}');
  });

  it('makes what rokka.js makes for the same input', async () => {
    const rokka = new Rokka({});
    const urls = [
      'https://acme.rokka.io/dynamic/c1b110.jpg',
      'http://127.0.0.1:8080/render/acme/dynamic/resize-width-200--crop-width-100-height-100/c1b110.webp',
      'http://127.0.0.1:8080/render/acme/thumbnail/o-af-1/c1b110aabbccddeeff00112233445566778899aa/my-picture.png',
      'http://127.0.0.1:8080/render/acme/teaser/v-w-640/c1b110.jpg?v=%7B%22title%22%3A%22Summer+sea%22%7D',
      'http://127.0.0.1:8080/render/acme/dynamic/resize-width-[$w * 2]/c1b110.jpg?foo=a b&sig=abc',
      'https://acme.rokka.io/dynamic/c1b110/Zürich am See.avif',
    ];
    const dates = [undefined, new Date('2050-02-08T07:05:00Z'), new Date('2031-06-01T10:11:12.345Z')];
    for (const url of urls) {
      for (const until of dates) {
        for (const roundDateUpTo of [undefined, 1, 60]) {
          const options = { ...(until ? { until } : {}), ...(roundDateUpTo ? { roundDateUpTo } : {}) };
          expect(await signUrl(url, KEY, options), `${url} ${JSON.stringify(options)}`).toBe(
            rokka.render.signUrl(url, KEY, options),
          );
        }
      }
    }
  });
});

describe('withoutSeoName', () => {
  it('strips a name after a hash only', () => {
    expect(withoutSeoName('/render/acme/dynamic/c1b110/holiday-v2.jpg')).toBe('/render/acme/dynamic/c1b110.jpg');
    expect(withoutSeoName('/render/acme/dynamic/c1b110.jpg')).toBe('/render/acme/dynamic/c1b110.jpg');
    expect(withoutSeoName('/render/acme/dynamic/noop/holiday.jpg')).toBe('/render/acme/dynamic/noop/holiday.jpg');
    expect(withoutSeoName('/render/acme/dynamic/c1b110/a.b.jpg')).toBe('/render/acme/dynamic/c1b110/a.b.jpg');
    expect(withoutSeoName('/dynamic/C1B110/holiday.jpg')).toBe('/dynamic/C1B110/holiday.jpg');
    expect(withoutSeoName('/c1b110/holiday.jpg')).toBe('/c1b110/holiday.jpg');
  });
});
