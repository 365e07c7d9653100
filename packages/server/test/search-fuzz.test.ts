// 10 000 random query strings against GET /sourceimages/{org} (issue 4),
// through app.inject: never a 5xx, and every 400 names a parameter of the
// query (the one at fault) in its message.

import * as fc from 'fast-check';
import { parse as parseQuery } from 'fast-querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRows } from '../src/images/user-metadata.ts';
import { createOrg, ROOT_KEY, startServer, type TestServer } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'fuzz');
  const org = (await server.storage.catalog.findOrganization('fuzz'))!;
  const images = Array.from({ length: 60 }, (_, n) => {
    const hash = n.toString(16).padStart(40, 'a');
    const userMetadata = {
      category: ['travel', "o'brien", '100%', 'a_b', 'urban'][n % 5]!,
      'int:rank': n,
      'double:score': n / 3,
      'date:shot': new Date(Date.UTC(2017, 0, 1 + n)).toISOString().replace('.000Z', 'Z'),
      'array:tags': [`t${n % 7}`, `t${n % 3}`],
      'text:desc': `quick brown fox ${n}`,
      'array_text:notes': ['sunny day', `note ${n}`],
      'latlon:where': `${n % 90},${n % 180}`,
    };
    return {
      hash,
      binaryHash: hash,
      blobKey: hash,
      name: `img-${n}.${n % 2 ? 'jpg' : 'png'}`,
      format: n % 2 ? 'jpg' : 'png',
      mimetype: n % 2 ? 'image/jpeg' : 'image/png',
      size: 1000 + n,
      width: 10 + n,
      height: 20 + n,
      opaque: true,
      animated: false,
      protected: false,
      userMetadata,
      dynamicMetadata:
        n % 4 === 0 ? { version: { text: `v${n % 3}` }, subject_area: { x: n, y: 0, width: 1, height: 1 } } : {},
      staticMetadata:
        n % 6 === 0
          ? { exif: { Image: { Make: 'Canon', DateTime: '2024-01-02T03:04:05.000Z' } }, iptc: { Keywords: ['sea'] } }
          : {},
      userFieldRows: indexRows(userMetadata),
    };
  });
  await server.storage.catalog.saveUploadedImages(org.id, images, new Date(), (existing) => ({
    metadata: existing,
    rows: [],
  }));
  for (let n = 0; n < 60; n += 9)
    await server.storage.catalog.softDelete(org.id, n.toString(16).padStart(40, 'a'), new Date());
});
afterAll(() => server.close());

const RESERVED = ['limit', 'offset', 'sort', 'facets', 'deleted', 'operator', 'binaryHash'];
const FIELDS = [
  'hash',
  'short_hash',
  'binaryhash',
  'mimetype',
  'format',
  'name',
  'name_text',
  'size',
  'width',
  'height',
  'created',
  'deletedDate',
  'user:category',
  'user:str:category',
  'user:int:rank',
  'user:double:score',
  'user:date:shot',
  'user:array:tags',
  'user:text:desc',
  'user:array_text:notes',
  'user:latlon:where',
  'user:missing',
  'dynamic:str:version:text',
  'dynamic:int:subject_area:x',
  'dynamic:text:version:text',
  'static:str:exif:Make',
  'static:date:exif:DateTime',
  'static:array:iptc:Keywords',
];
const NEAR = [
  'user:',
  'user:int:',
  'user:bogus:x',
  'user:a:b:c',
  'dynamic:',
  'dynamic:str:',
  'dynamic:str:nope:x',
  'static:str:exif:',
  'static:x',
  'Name',
  'foo',
  '',
  ':',
  'user:INT:rank',
  'sort ',
  'limit[]',
];
const ATOMS = [
  '1',
  '-5',
  '0',
  '99',
  '2000',
  '2001',
  '10000',
  '10001',
  '1.5',
  '1e3',
  'abc',
  '*',
  '',
  "'",
  "''",
  "'x'",
  '"',
  ';',
  '--',
  '%',
  '_',
  '%25',
  '\\',
  '[1,5]',
  '[1,',
  '{}',
  '[,]',
  '[a,b,c]',
  '{1,}',
  '[,5}',
  "['a,b','c']",
  "['2017-01-01T00:00:00Z',}",
  '[2017-01-01T00:00:00Z,2018-01-01T00:00:00+02:00]',
  '2017-01-05T00:00:00Z',
  '2017-01-05T00:00:00 02:00',
  '2017-02-30T00:00:00Z',
  'travel',
  'trav*',
  "o'brien",
  '100%',
  'a_b',
  't1',
  'quick bro*',
  'true',
  'false',
  'maybe',
  'or',
  'and',
  'OR',
  'name desc',
  'user:int:rank desc,name',
  'size sideways',
  'size+desc',
  'user:str:category',
  'user:array:tags,user:category',
  'user:int:rank',
  'format',
  '47,8',
  '100,0',
  'garbage!',
  'Canon',
  'v1',
  'img-1*',
  'image/png',
];

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...RESERVED) },
  { weight: 6, arbitrary: fc.constantFrom(...FIELDS) },
  { weight: 2, arbitrary: fc.constantFrom(...NEAR) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('user:', 'user:int:', 'dynamic:str:version:', 'static:str:exif:'), text)
      .map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: text },
);
const cursorLike = fc.oneof(
  fc.json().map((j) => Buffer.from(j).toString('base64url')),
  fc
    .record({
      v: fc.constantFrom(1, 2, 3),
      d: fc.constantFrom(0, 1, 2),
      f: fc.string(),
      k: fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 3 }),
      h: fc.constantFrom('a'.repeat(40), 'zz', ''),
    })
    .map((o) => Buffer.from(JSON.stringify(o)).toString('base64url')),
);
const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ATOMS) },
  { weight: 2, arbitrary: text },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...ATOMS), text, fc.constantFrom(...ATOMS)).map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: cursorLike },
);
/** How a pair is written: properly encoded, raw (may break the pair apart), or with broken % escapes. */
const encoding = fc.constantFrom('encoded', 'encoded', 'raw', 'plus', 'broken');

function write(k: string, v: string, how: string): string {
  const enc = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return s; // lone surrogates
    }
  };
  switch (how) {
    case 'raw':
      return `${k}=${v}`;
    case 'plus':
      return `${enc(k)}=${enc(v).replace(/%20/g, '+')}`;
    case 'broken':
      return `${enc(k)}=${enc(v)}%${v.length % 2 ? 'zz' : 'E0%A4'}`;
    default:
      return `${enc(k)}=${enc(v)}`;
  }
}

const queryString = fc
  .array(fc.tuple(key, value, encoding), { minLength: 0, maxLength: 6 })
  .map((pairs) => pairs.map(([k, v, how]) => write(k, v, how)).join('&'));

describe('search fuzzing', () => {
  it('answers 10 000 random queries without a 5xx; every 400 names a parameter', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(queryString, async (qs) => {
        const res = await server.app.inject({
          method: 'GET',
          url: `/sourceimages/fuzz?${qs}`,
          headers: { 'api-key': ROOT_KEY },
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ?${qs}: ${res.body}`);
        if (res.statusCode === 200) {
          const body = res.json();
          if (typeof body.total !== 'number' || !Array.isArray(body.items)) throw new Error(`bad body for ?${qs}`);
          return;
        }
        if (res.statusCode !== 400) throw new Error(`${res.statusCode} for ?${qs}: ${res.body}`);
        const message: string = res.json().message;
        // What the server parses: the URL as normalized on the way (a raw # starts
        // the fragment, raw spaces become %20), then form-decoded.
        const sent = new URL(`http://localhost/sourceimages/fuzz?${qs}`).search.slice(1);
        const keys = Object.keys(parseQuery(sent));
        const named = keys.some(
          (k) => message.includes(JSON.stringify(k)) || (RESERVED.includes(k) && message.includes(k)),
        );
        if (!named) throw new Error(`400 for ?${qs} does not name a parameter (${keys.join(', ')}): ${message}`);
      }),
      { numRuns: 10_000, seed: Number(process.env['FUZZ_SEED'] ?? 20240531) },
    );
    // Both outcomes were exercised.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
  }, 120_000);
});
