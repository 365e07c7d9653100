// User metadata over HTTP (spec §2.6-2.12, §3): the seven endpoints, the
// types, the body shapes clients send, locking, and the typed search index
// rows kept beside the JSON. Refusals: user-metadata-refusals.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount, indexRowsOf } from './catalog-rows.ts';
import { api, createOrg, startServer, type TestServer } from './helpers.ts';
import { userMetadataApi } from './user-metadata-api.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const { newImage, base, getMeta, send } = userMetadataApi(() => server);
/** JSON sent as bytes: fetch then adds no content type at all. */
const rawJson = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

async function lock(hash: string, locked: boolean) {
  const res = await api(server, 'PUT', `/sourceimages/acme/${hash}/options/locked`, { body: JSON.stringify(locked) });
  expect(res.status).toBe(200);
  expect(res.json.locked).toBe(locked);
}

const ALL_TYPES_BODY = {
  title: 'Beach',
  'str:plain': 42,
  flag: true,
  'text:desc': 'Hello World, hello again',
  'int:rank': '-17',
  'int:count': 3,
  'double:score': '2.5',
  'double:ratio': 0.25,
  'date:taken': '2024-05-31T14:00:00.250+02:00',
  'latlon:where': '47.38, 8.52',
  'array:tags': ['a', 1, true],
  'array_text:notes': 'Single note',
};
const ALL_TYPES_STORED = {
  title: 'Beach',
  plain: '42',
  flag: 'true',
  'text:desc': 'Hello World, hello again',
  'int:rank': -17,
  'int:count': 3,
  'double:score': 2.5,
  'double:ratio': 0.25,
  'date:taken': '2024-05-31T12:00:00Z',
  'latlon:where': '47.38,8.52',
  'array:tags': ['a', '1', 'true'],
  'array_text:notes': ['Single note'],
};

describe('reading', () => {
  it('GET answers {} for an image without user metadata, as application/json', async () => {
    const hash = await newImage();
    const res = await api(server, 'GET', base(hash));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.text).toBe('{}');
  });

  it('GET of one field answers its JSON-encoded value with content-type application/json exactly', async () => {
    const hash = await newImage();
    expect((await send('PATCH', base(hash), JSON.stringify(ALL_TYPES_BODY))).status).toBe(204);
    const cases: [string, string][] = [
      ['title', '"Beach"'],
      ['str:title', '"Beach"'],
      ['plain', '"42"'],
      ['rank', '-17'],
      ['int:rank', '-17'],
      ['double:score', '2.5'],
      ['date:taken', '"2024-05-31T12:00:00Z"'],
      ['latlon:where', '"47.38,8.52"'],
      ['array:tags', '["a","1","true"]'],
      ['text:desc', '"Hello World, hello again"'],
    ];
    for (const [name, body] of cases) {
      const res = await api(server, 'GET', `${base(hash)}/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toBe('application/json');
      expect(res.text, name).toBe(body);
    }
  });

  it('GET of an unknown field, or with a prefix of another type, is 404', async () => {
    const hash = await newImage();
    expect((await send('PATCH', base(hash), JSON.stringify({ title: 'x' }))).status).toBe(204);
    const missing = await api(server, 'GET', `${base(hash)}/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toContain('nothing');
    expect((await api(server, 'GET', `${base(hash)}/int:title`)).status).toBe(404);
  });
});

describe('writing', () => {
  it('PATCH stores every type normalized and never changes the hash', async () => {
    const hash = await newImage();
    const before = await imageCount(server);
    const res = await send('PATCH', base(hash), JSON.stringify(ALL_TYPES_BODY));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await getMeta(hash)).toEqual(ALL_TYPES_STORED);
    const image = await api(server, 'GET', `/sourceimages/acme/${hash}`);
    expect(image.status).toBe(200);
    expect(image.json.hash).toBe(hash);
    expect(image.json.user_metadata).toEqual(ALL_TYPES_STORED);
    expect(await imageCount(server)).toBe(before);
  });

  it('PATCH merges: listed fields set, null deletes, others kept; a prefix replaces the field of that bare name', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one', b: 'two', c: 'three', foo: 'text' }));
    expect(
      (await send('PATCH', base(hash), JSON.stringify({ b: 'TWO', c: null, 'int:foo': 5, 'int:absent': null }))).status,
    ).toBe(204);
    expect(await getMeta(hash)).toEqual({ a: 'one', b: 'TWO', 'int:foo': 5 });
    // and back: str:foo replaces int:foo and is shown without prefix
    await send('PATCH', base(hash), JSON.stringify({ 'str:foo': 'again' }));
    expect(await getMeta(hash)).toEqual({ a: 'one', b: 'TWO', foo: 'again' });
  });

  it('PUT replaces everything and does not store null values', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one', b: 'two' }));
    expect((await send('PUT', base(hash), JSON.stringify({ c: 'three', d: null, 'int:e': 1 }))).status).toBe(204);
    expect(await getMeta(hash)).toEqual({ c: 'three', 'int:e': 1 });
    expect((await send('PUT', base(hash), '{}')).status).toBe(204);
    expect(await getMeta(hash)).toEqual({});
  });

  it('DELETE removes all user metadata', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one', 'int:b': 2 }));
    const res = await api(server, 'DELETE', base(hash));
    expect(res.status).toBe(204);
    expect(await getMeta(hash)).toEqual({});
    expect((await api(server, 'DELETE', base(hash))).status).toBe(204);
  });

  it('PUT of one field takes JSON or raw unquoted text; the path prefix sets the type', async () => {
    const hash = await newImage();
    const put = (name: string, body: string, type?: string) => send('PUT', `${base(hash)}/${name}`, body, type);
    expect((await put('quoted', '"a JSON string"', 'application/json')).status).toBe(204);
    expect((await put('raw', 'hello world', 'text/plain')).status).toBe(204);
    expect((await put('untyped', 'no content type')).status).toBe(204);
    expect((await send('PUT', `${base(hash)}/bytes`, new TextEncoder().encode('raw bytes'))).status).toBe(204);
    expect((await put('number_as_str', '12')).status).toBe(204);
    expect((await put('int:count', '12')).status).toBe(204);
    expect((await put('double:score', '"2.5"')).status).toBe(204);
    expect((await put('date:when', '2024-01-01T00:00:00+01:00')).status).toBe(204);
    expect((await put('array:tags', '["x", 2]')).status).toBe(204);
    expect((await put('array:one', 'single')).status).toBe(204);
    expect((await put('int%3Aencoded', '5')).status).toBe(204);
    expect(await getMeta(hash)).toEqual({
      quoted: 'a JSON string',
      raw: 'hello world',
      untyped: 'no content type',
      bytes: 'raw bytes',
      number_as_str: '12',
      'int:count': 12,
      'double:score': 2.5,
      'date:when': '2023-12-31T23:00:00Z',
      'array:tags': ['x', '2'],
      'array:one': ['single'],
      'int:encoded': 5,
    });
    // the prefix in the path replaces the field of that bare name
    expect((await put('int:raw', '7')).status).toBe(204);
    expect((await api(server, 'GET', `${base(hash)}/raw`)).text).toBe('7');
    expect(await getMeta(hash)).toMatchObject({ 'int:raw': 7 });
    expect(Object.keys(await getMeta(hash))).not.toContain('raw');
  });

  it('PUT of one field with null deletes it', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one', b: 'two' }));
    expect((await send('PUT', `${base(hash)}/a`, 'null', 'application/json')).status).toBe(204);
    expect(await getMeta(hash)).toEqual({ b: 'two' });
  });

  it('DELETE of one field answers 204, also when it is absent', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one', 'int:b': 2 }));
    expect((await api(server, 'DELETE', `${base(hash)}/a`)).status).toBe(204);
    expect((await api(server, 'DELETE', `${base(hash)}/int:b`)).status).toBe(204);
    expect(await getMeta(hash)).toEqual({});
    expect((await api(server, 'DELETE', `${base(hash)}/a`)).status).toBe(204);
    expect((await api(server, 'DELETE', `${base(hash)}/never_there`)).status).toBe(204);
  });

  it('works through the short hash too', async () => {
    const hash = await newImage();
    const short = (await api(server, 'GET', `/sourceimages/acme/${hash}`)).json.short_hash as string;
    expect((await send('PATCH', base(short), JSON.stringify({ a: 'x' }))).status).toBe(204);
    expect(await getMeta(hash)).toEqual({ a: 'x' });
  });
});

describe('body shapes', () => {
  it.each([
    ['no content type', undefined],
    ['text/plain', 'text/plain'],
    ['application/json', 'application/json'],
    ['application/json; charset=utf-8', 'application/json; charset=utf-8'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
  ])('PATCH and PUT read a JSON body sent with %s', async (_label, contentType) => {
    const hash = await newImage();
    expect((await send('PATCH', base(hash), rawJson({ a: 'one' }), contentType)).status).toBe(204);
    expect((await send('PUT', `${base(hash)}/b`, rawJson('two'), contentType)).status).toBe(204);
    expect(await getMeta(hash)).toEqual({ a: 'one', b: 'two' });
    expect((await send('PUT', base(hash), rawJson({ c: 'three' }), contentType)).status).toBe(204);
    expect(await getMeta(hash)).toEqual({ c: 'three' });
  });

  it('an empty body labelled application/json is no body: refused where a body is needed, fine elsewhere', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one' }));
    for (const method of ['PUT', 'PATCH']) {
      const res = await send(method, base(hash), '', 'application/json');
      expect(res.status, method).toBe(400);
      expect(res.json.message).toMatch(/needs a JSON body/);
    }
    const field = await send('PUT', `${base(hash)}/a`, '', 'application/json');
    expect(field.status).toBe(400);
    expect(field.json.message).toContain('a');
    expect(await getMeta(hash)).toEqual({ a: 'one' });
    expect((await send('DELETE', `${base(hash)}/a`, '', 'application/json')).status).toBe(204);
    expect((await send('DELETE', base(hash), '', 'application/json')).status).toBe(204);
  });
});

describe('unknown images and locked images', () => {
  const missing = 'ffffffffffffffffffffffffffffffffffffffff';
  it.each([
    ['GET', '', undefined],
    ['PUT', '', '{"a":"b"}'],
    ['PATCH', '', '{"a":"b"}'],
    ['DELETE', '', undefined],
    ['GET', '/a', undefined],
    ['PUT', '/a', '"b"'],
    ['DELETE', '/a', undefined],
  ])('%s meta/user%s on an unknown image is 404', async (method, suffix, body) => {
    const res = await api(server, method, `${base(missing)}${suffix}`, body === undefined ? {} : { body });
    expect(res.status).toBe(404);
    expect(res.json.message).toContain(missing);
  });

  it('answers 404 for a deleted image', async () => {
    const hash = await newImage();
    expect((await api(server, 'DELETE', `/sourceimages/acme/${hash}`)).status).toBe(204);
    expect((await api(server, 'GET', base(hash))).status).toBe(404);
    expect((await send('PATCH', base(hash), '{"a":"b"}')).status).toBe(404);
  });

  it('refuses every write on a locked image with 403 and changes nothing', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ keep: 'me', 'int:n': 1 }));
    const rowsBefore = await indexRowsOf(server, 'acme', hash);
    await lock(hash, true);
    const writes: [string, string, string | undefined][] = [
      ['PUT', base(hash), '{"a":"b"}'],
      ['PATCH', base(hash), '{"a":"b"}'],
      ['PATCH', base(hash), '{"keep":null}'],
      ['DELETE', base(hash), undefined],
      ['PUT', `${base(hash)}/a`, '"b"'],
      ['PUT', `${base(hash)}/keep`, 'null'],
      ['DELETE', `${base(hash)}/keep`, undefined],
      ['DELETE', `${base(hash)}/absent`, undefined],
    ];
    for (const [method, pathname, body] of writes) {
      const res = await api(server, method, pathname, body === undefined ? {} : { body });
      expect(res.status, `${method} ${pathname}`).toBe(403);
      expect(res.json.message).toMatch(/locked/);
    }
    expect(await getMeta(hash)).toEqual({ keep: 'me', 'int:n': 1 });
    expect((await api(server, 'GET', `${base(hash)}/keep`)).text).toBe('"me"');
    expect(await indexRowsOf(server, 'acme', hash)).toEqual(rowsBefore);
    await lock(hash, false);
    expect((await send('PATCH', base(hash), '{"a":"b"}')).status).toBe(204);
    expect(await getMeta(hash)).toEqual({ keep: 'me', 'int:n': 1, a: 'b' });
  });
});

describe('the typed search index', () => {
  it('has one row per scalar, per array element and per text token, matching the metadata', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify(ALL_TYPES_BODY));
    expect(await indexRowsOf(server, 'acme', hash)).toEqual([
      { name: 'count', type: 'int', seq: 0, str: null, num: 3 },
      { name: 'desc', type: 'text', seq: 0, str: 'hello', num: null },
      { name: 'desc', type: 'text', seq: 1, str: 'world', num: null },
      { name: 'desc', type: 'text', seq: 2, str: 'again', num: null },
      { name: 'flag', type: 'str', seq: 0, str: 'true', num: null },
      { name: 'notes', type: 'array_text', seq: 0, str: 'single', num: null },
      { name: 'notes', type: 'array_text', seq: 1, str: 'note', num: null },
      { name: 'plain', type: 'str', seq: 0, str: '42', num: null },
      { name: 'rank', type: 'int', seq: 0, str: null, num: -17 },
      { name: 'ratio', type: 'double', seq: 0, str: null, num: 0.25 },
      { name: 'score', type: 'double', seq: 0, str: null, num: 2.5 },
      { name: 'tags', type: 'array', seq: 0, str: 'a', num: null },
      { name: 'tags', type: 'array', seq: 1, str: '1', num: null },
      { name: 'tags', type: 'array', seq: 2, str: 'true', num: null },
      { name: 'taken', type: 'date', seq: 0, str: '2024-05-31T12:00:00Z', num: Date.UTC(2024, 4, 31, 12, 0, 0) },
      { name: 'title', type: 'str', seq: 0, str: 'Beach', num: null },
      { name: 'where', type: 'latlon', seq: 0, str: '47.38,8.52', num: null },
    ]);
  });

  it('follows PATCH, PUT of a field, DELETE of a field, PUT and DELETE of everything', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ a: 'one', 'array:tags': ['x', 'y'], 'text:t': 'Big Cat' }));
    expect((await indexRowsOf(server, 'acme', hash)).map((r) => `${r.name}:${r.str}`)).toEqual([
      'a:one',
      't:big',
      't:cat',
      'tags:x',
      'tags:y',
    ]);

    await send('PATCH', base(hash), JSON.stringify({ 'array:tags': null, 'int:a': 5 }));
    expect(await indexRowsOf(server, 'acme', hash)).toEqual([
      { name: 'a', type: 'int', seq: 0, str: null, num: 5 },
      { name: 't', type: 'text', seq: 0, str: 'big', num: null },
      { name: 't', type: 'text', seq: 1, str: 'cat', num: null },
    ]);

    await send('PUT', `${base(hash)}/date:when`, '2024-01-01T00:00:00Z');
    expect((await indexRowsOf(server, 'acme', hash)).find((r) => r.name === 'when')).toEqual({
      name: 'when',
      type: 'date',
      seq: 0,
      str: '2024-01-01T00:00:00Z',
      num: Date.UTC(2024, 0, 1),
    });

    await api(server, 'DELETE', `${base(hash)}/t`);
    expect((await indexRowsOf(server, 'acme', hash)).map((r) => r.name)).toEqual(['a', 'when']);

    await send('PUT', base(hash), JSON.stringify({ 'double:d': -0.5 }));
    expect(await indexRowsOf(server, 'acme', hash)).toEqual([
      { name: 'd', type: 'double', seq: 0, str: null, num: -0.5 },
    ]);

    await api(server, 'DELETE', base(hash));
    expect(await indexRowsOf(server, 'acme', hash)).toEqual([]);
  });

  it('keeps the rows of other images apart', async () => {
    const one = await newImage();
    const two = await newImage();
    await send('PATCH', base(one), JSON.stringify({ a: 'one' }));
    await send('PATCH', base(two), JSON.stringify({ a: 'two' }));
    await api(server, 'DELETE', base(one));
    expect(await indexRowsOf(server, 'acme', one)).toEqual([]);
    expect(await indexRowsOf(server, 'acme', two)).toEqual([{ name: 'a', type: 'str', seq: 0, str: 'two', num: null }]);
  });
});

describe('raw single-field values for string fields', () => {
  it('keeps the text as sent when an unquoted string value looks like a number', async () => {
    const hash = await newImage();
    expect((await send('PUT', `${base(hash)}/price`, '1.50', 'text/plain')).status).toBe(204);
    expect((await send('PUT', `${base(hash)}/text:code`, '12345678901234567890', 'text/plain')).status).toBe(204);
    expect((await send('PUT', `${base(hash)}/flag`, 'true')).status).toBe(204);
    expect((await send('PUT', `${base(hash)}/int:count`, '7')).status).toBe(204);
    expect(await getMeta(hash)).toEqual({
      price: '1.50',
      'text:code': '12345678901234567890',
      flag: 'true',
      'int:count': 7,
    });
  });
});
