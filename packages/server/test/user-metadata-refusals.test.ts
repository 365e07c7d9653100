// User metadata refusals over HTTP (spec §2.6-2.12): every refused write
// leaves the stored metadata and its index rows as they were, and names
// that look like prototype properties are stored as plain keys.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndexRow, indexRowsOf } from './catalog-rows.ts';
import { api, createOrg, startServer, type TestServer } from './helpers.ts';
import { userMetadataApi } from './user-metadata-api.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

const { newImage, base, getMeta, send } = userMetadataApi(() => server);

describe('refusals change nothing', () => {
  let hash: string;
  const STORED = { keep: 'me', 'int:n': 1, 'array:tags': ['x'] };
  let rowsBefore: IndexRow[];
  beforeAll(async () => {
    hash = await newImage();
    expect((await send('PUT', base(hash), JSON.stringify(STORED))).status).toBe(204);
    rowsBefore = await indexRowsOf(server, 'acme', hash);
  });

  async function expectUnchanged() {
    expect(await getMeta(hash)).toEqual(STORED);
    expect(await indexRowsOf(server, 'acme', hash)).toEqual(rowsBefore);
  }

  const badFields: [string, unknown][] = [
    ['Title', 'x'],
    ['my-field', 'x'],
    ['my.field', 'x'],
    ['my field', 'x'],
    ['a'.repeat(55), 'x'],
    ['foo:bar', 'x'],
    ['int:', 1],
    ['int:n', 1.5],
    ['int:n', 'abc'],
    ['int:n', 2 ** 53],
    ['date:d', '2024-05-31'],
    ['date:d', '2024-05-31 12:00:00Z'],
    ['date:d', '2024-02-30T00:00:00Z'],
    ['date:d', '2024-05-31T25:00:00Z'],
    ['date:d', 'tomorrow'],
    ['date:d', 1_717_156_800],
    ['latlon:l', '91,0'],
    ['latlon:l', '-91,0'],
    ['latlon:l', '0,181'],
    ['latlon:l', '0,-180.5'],
    ['latlon:l', 'somewhere'],
    ['array:a', [{ a: 1 }]],
    ['array:a', [['nested']]],
    ['array_text:a', [{ a: 1 }]],
    ['keep', { an: 'object' }],
    ['keep', ['an', 'array']],
    ['keep', 'x'.repeat(32_767)],
    ['double:d', 'abc'],
  ];

  it.each(badFields)('PATCH with %j = %j is 400 naming the key', async (key, value) => {
    const res = await send('PATCH', base(hash), JSON.stringify({ [key]: value }));
    expect(res.status).toBe(400);
    expect(res.json.message).toContain(JSON.stringify(key));
    await expectUnchanged();
  });

  it.each(badFields)('PUT with %j = %j is 400 and keeps the old metadata', async (key, value) => {
    const res = await send('PUT', base(hash), JSON.stringify({ fine: 'x', [key]: value }));
    expect(res.status).toBe(400);
    expect(res.json.message).toContain(JSON.stringify(key));
    await expectUnchanged();
  });

  it.each(badFields.filter(([key]) => !key.includes(' ') && key.length < 60))(
    'PUT of the single field %j = %j is 400',
    async (key, value) => {
      const res = await send('PUT', `${base(hash)}/${key}`, JSON.stringify(value));
      expect(res.status).toBe(400);
      expect(res.json.message).toContain(key);
      await expectUnchanged();
    },
  );

  it('a PATCH with nine good fields and one bad one applies none of them', async () => {
    const body: Record<string, unknown> = {};
    for (let i = 0; i < 9; i++) body[`good_${i}`] = `value ${i}`;
    body['int:bad'] = 1.5;
    body['keep'] = 'changed';
    const res = await send('PATCH', base(hash), JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('int:bad');
    await expectUnchanged();
  });

  it('a bad field name in the path is 400 naming it, for GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await api(server, method, `${base(hash)}/Bad-Name`, method === 'PUT' ? { body: '"x"' } : {});
      expect(res.status, method).toBe(400);
      expect(res.json.message).toContain('Bad-Name');
    }
    await expectUnchanged();
  });

  it.each([['{"a": '], ['not json'], ["{'a': 'b'}"], ['{"a":"b"} trailing']])(
    'a non-JSON body %j on PUT and PATCH is 400',
    async (body) => {
      for (const method of ['PUT', 'PATCH']) {
        const res = await send(method, base(hash), body, 'application/json');
        expect(res.status, method).toBe(400);
        expect(res.json.message).toMatch(/not valid JSON/);
      }
      await expectUnchanged();
    },
  );

  it.each([['[]'], ['["a"]'], ['"text"'], ['5'], ['null'], ['true']])(
    'a JSON body %s that is not an object is 400',
    async (body) => {
      for (const method of ['PUT', 'PATCH']) {
        const res = await send(method, base(hash), body, 'application/json');
        expect(res.status, method).toBe(400);
        expect(res.json.message).toMatch(/JSON object/);
      }
      await expectUnchanged();
    },
  );

  it('a 1 MB body is refused with 413 and a message about the size', async () => {
    const body = JSON.stringify({ big: 'x'.repeat(1024 * 1024) });
    for (const method of ['PUT', 'PATCH']) {
      const res = await send(method, base(hash), body, 'application/json');
      expect(res.status, method).toBe(413);
      expect(res.json.message).toMatch(/larger than the limit/);
    }
    const field = await send('PUT', `${base(hash)}/keep`, 'x'.repeat(1024 * 1024), 'text/plain');
    expect(field.status).toBe(413);
    await expectUnchanged();
  });

  it('a 100,000-character bad field name is 400 with a message cut to a readable length', async () => {
    const name = `Bad${'x'.repeat(100_000)}`;
    const res = await send('PATCH', base(hash), JSON.stringify({ [name]: 'v' }));
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^User metadata field name "Badxxx/);
    expect(res.json.message).toMatch(/… \(message cut at 2000 characters\)$/);
    expect(res.json.message.length).toBeLessThan(2100);
    await expectUnchanged();
  });

  it('a 1 MB body made of many small fields is refused too', async () => {
    const body: Record<string, string> = {};
    for (let i = 0; i < 20_000; i++) body[`f${i}`] = 'x'.repeat(40);
    const res = await send('PATCH', base(hash), JSON.stringify(body));
    expect([400, 413]).toContain(res.status);
    expect(res.json.message).toMatch(/larger than the limit|at most/);
    await expectUnchanged();
  });
});

describe('prototype-looking names', () => {
  it('stores __proto__, constructor and prototype as plain keys and returns them', async () => {
    const hash = await newImage();
    const res = await send('PATCH', base(hash), '{"__proto__": "x", "constructor": "y", "prototype": "z"}');
    expect(res.status).toBe(204);
    const got = await api(server, 'GET', base(hash));
    expect(got.text).toContain('"__proto__":"x"');
    expect(Object.keys(got.json).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(got.json, '__proto__')?.value).toBe('x');
    expect(got.json.constructor).toBe('y');
    expect((await api(server, 'GET', `${base(hash)}/__proto__`)).text).toBe('"x"');
    expect((await api(server, 'GET', `${base(hash)}/constructor`)).text).toBe('"y"');
    expect((await indexRowsOf(server, 'acme', hash)).map((r) => [r.name, r.str])).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['prototype', 'z'],
    ]);
    // single-field writes and deletes on those names
    expect((await send('PUT', `${base(hash)}/__proto__`, 'raw value')).status).toBe(204);
    expect((await send('PUT', `${base(hash)}/int:constructor`, '3')).status).toBe(204);
    expect((await api(server, 'DELETE', `${base(hash)}/prototype`)).status).toBe(204);
    expect((await api(server, 'GET', base(hash))).text).toBe('{"__proto__":"raw value","int:constructor":3}');
  });

  it('refuses an object under __proto__ and pollutes no prototype', async () => {
    const hash = await newImage();
    await send('PATCH', base(hash), JSON.stringify({ keep: 'me' }));
    for (const method of ['PATCH', 'PUT']) {
      const res = await send(method, base(hash), '{"__proto__": {"polluted": "yes"}}');
      expect(res.status, method).toBe(400);
      expect(res.json.message).toContain('__proto__');
    }
    const field = await send('PUT', `${base(hash)}/__proto__`, '{"polluted": "yes"}');
    expect(field.status).toBe(400);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await getMeta(hash)).toEqual({ keep: 'me' });
    // The server still works normally for other objects afterwards.
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}`)).json.user_metadata).toEqual({ keep: 'me' });
  });
});
