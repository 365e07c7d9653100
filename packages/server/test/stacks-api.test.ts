// The stacks API over HTTP (spec §3): create, 409 on an existing name,
// overwrite, read, list with paging, delete, cache purge; the stack JSON in
// rokka's shape.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogRows } from './catalog-rows.ts';
import { api, createOrg, expectError, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'stk');
});
afterAll(() => server.close());

const ROKKA_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

const put = (name: string, body: unknown, query = '') =>
  api(server, 'PUT', `/stacks/stk/${name}${query}`, { body: JSON.stringify(body) });

const RESIZE_BODY = {
  description: 'Thumbnails',
  operations: [
    { name: 'resize', options: { width: 200, height: 150, upscale: false } },
    { name: 'crop', options: { mode: 'absolute' }, expressions: { width: '$w', height: '$w / 2' } },
  ],
  options: { 'jpg.quality': 70, autoformat: true },
  variables: { w: 300 },
  expressions: [{ expression: 'options.dpr >= 2', overrides: { options: { 'jpg.quality': 50 } } }],
};

async function cacheGeneration(name: string): Promise<number> {
  const rows = await catalogRows<{ g: number }>(
    server,
    'select cache_generation as g from stacks where name = ? and org_id = (select id from organizations where name = ?)',
    [name, 'stk'],
  );
  return Number(rows[0]?.g);
}

describe('PUT /stacks/{org}/{name}', () => {
  it('creates a stack: 201 with the stack in rokka’s shape', async () => {
    const res = await put('thumb', RESIZE_BODY);
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual({
      name: 'thumb',
      organization: 'stk',
      created: expect.stringMatching(ROKKA_DATE),
      description: 'Thumbnails',
      stack_operations: [
        { name: 'resize', options: { width: 200, height: 150, upscale: false } },
        { name: 'crop', options: { mode: 'absolute' }, expressions: { width: '$w', height: '$w / 2' } },
      ],
      stack_options: { 'jpg.quality': 70, autoformat: true },
      stack_variables: { w: 300 },
      stack_expressions: [{ expression: 'options.dpr >= 2', overrides: { options: { 'jpg.quality': 50 } } }],
      link: '/stacks/stk/thumb',
    });
    const read = await api(server, 'GET', '/stacks/stk/thumb');
    expect(read.status).toBe(200);
    expect(read.json).toEqual(res.json);
  });

  it('fills in what a body leaves out, and reads PHP’s [] as an empty object', async () => {
    const res = await put('bare', { operations: [{ name: 'grayscale', options: [] }], options: [] });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      description: '',
      stack_operations: [{ name: 'grayscale', options: {} }],
      stack_options: {},
      stack_variables: {},
      stack_expressions: [],
    });
    const empty = await put('nothing', {});
    expect(empty.status, empty.text).toBe(201);
    expect(empty.json.stack_operations).toEqual([]);
  });

  it('refuses an existing name with 409 and keeps the stack as it was', async () => {
    await put('kept', { operations: [{ name: 'grayscale' }] });
    const again = await put('kept', { operations: [{ name: 'sepia' }] });
    expectError(again, 409, 'ORIGO_ERR_STACK_EXISTS', '"kept"', 'overwrite=true');
    const read = await api(server, 'GET', '/stacks/stk/kept');
    expect(read.json.stack_operations).toEqual([{ name: 'grayscale', options: {} }]);
  });

  it('replaces an existing stack with ?overwrite=true: 200, same creation time and cache generation', async () => {
    const first = await put('over', { operations: [{ name: 'grayscale' }] });
    expect(first.status).toBe(201);
    await api(server, 'DELETE', '/stacks/stk/over/cache');
    const replaced = await put('over', { operations: [{ name: 'sepia' }], options: { dpr: 2 } }, '?overwrite=true');
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json.stack_operations).toEqual([{ name: 'sepia', options: {} }]);
    expect(replaced.json.stack_options).toEqual({ dpr: 2 });
    expect(replaced.json.created).toBe(first.json.created);
    expect(await cacheGeneration('over')).toBe(1);
    // overwrite=true on a new name creates it.
    const fresh = await put('over-new', { operations: [] }, '?overwrite=true');
    expect(fresh.status).toBe(201);
    // overwrite=false is a plain create.
    expectError(await put('over', { operations: [] }, '?overwrite=false'), 409, 'ORIGO_ERR_STACK_EXISTS');
  });

  it('refuses an overwrite flag that is not true or false', async () => {
    expectError(await put('flag', { operations: [] }, '?overwrite=yes'), 400, 'ORIGO_ERR_REQUEST_BAD_PARAMETER');
  });
});

describe('GET /stacks/{org}', () => {
  beforeAll(async () => {
    await createOrg(server, 'stk-list');
    for (const name of ['c-stack', 'a-stack', 'b-stack']) {
      const res = await api(server, 'PUT', `/stacks/stk-list/${name}`, {
        body: JSON.stringify({ operations: [{ name: 'grayscale' }] }),
      });
      expect(res.status).toBe(201);
    }
  });

  it('lists every stack by name, with the total', async () => {
    const res = await api(server, 'GET', '/stacks/stk-list');
    expect(res.status).toBe(200);
    expect(res.json.total).toBe(3);
    expect(res.json.items.map((s: { name: string }) => s.name)).toEqual(['a-stack', 'b-stack', 'c-stack']);
    expect(res.json.items[0]).toMatchObject({ organization: 'stk-list', link: '/stacks/stk-list/a-stack' });
  });

  it('pages with limit and offset', async () => {
    const page = await api(server, 'GET', '/stacks/stk-list?limit=2&offset=1');
    expect(page.json.total).toBe(3);
    expect(page.json.items.map((s: { name: string }) => s.name)).toEqual(['b-stack', 'c-stack']);
    const past = await api(server, 'GET', '/stacks/stk-list?offset=5');
    expect(past.json).toEqual({ total: 3, items: [] });
    expectError(await api(server, 'GET', '/stacks/stk-list?limit=-1'), 400, 'ORIGO_ERR_REQUEST_BAD_PARAMETER', 'limit');
    expectError(await api(server, 'GET', '/stacks/stk-list?limit=5000'), 400, 'ORIGO_ERR_REQUEST_BAD_PARAMETER');
    expectError(
      await api(server, 'GET', '/stacks/stk-list?offset=x'),
      400,
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      'offset',
    );
  });

  it('lists nothing for an organization without stacks', async () => {
    await createOrg(server, 'stk-empty');
    expect((await api(server, 'GET', '/stacks/stk-empty')).json).toEqual({ total: 0, items: [] });
  });
});

describe('DELETE /stacks/{org}/{name} and …/cache', () => {
  it('deletes a stack: 204, then 404; the name can be used again', async () => {
    await put('gone', { operations: [] });
    const res = await api(server, 'DELETE', '/stacks/stk/gone');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await api(server, 'GET', '/stacks/stk/gone'), 404, 'ORIGO_ERR_STACK_NOT_FOUND', '"gone"');
    expectError(await api(server, 'DELETE', '/stacks/stk/gone'), 404, 'ORIGO_ERR_STACK_NOT_FOUND');
    expect((await put('gone', { operations: [] })).status).toBe(201);
  });

  it('purges a stack’s renders: 200 {"status":"ok"}, and the cache generation moves on each time', async () => {
    await put('purged', { operations: [] });
    expect(await cacheGeneration('purged')).toBe(0);
    const res = await api(server, 'DELETE', '/stacks/stk/purged/cache');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    await api(server, 'DELETE', '/stacks/stk/purged/cache');
    expect(await cacheGeneration('purged')).toBe(2);
    expectError(await api(server, 'DELETE', '/stacks/stk/never/cache'), 404, 'ORIGO_ERR_STACK_NOT_FOUND', '"never"');
  });

  it('answers 404 for an unknown stack and an unknown organization', async () => {
    expectError(await api(server, 'GET', '/stacks/stk/unknown'), 404, 'ORIGO_ERR_STACK_NOT_FOUND', '"unknown"');
    expectError(await api(server, 'GET', '/stacks/stk/dynamic'), 404, 'ORIGO_ERR_STACK_NOT_FOUND');
    expectError(await api(server, 'GET', '/stacks/no-such-org'), 404, 'ORIGO_ERR_ORG_NOT_FOUND');
  });
});
