// What the stacks API refuses: malformed bodies (each a 400 naming the
// field, with nothing stored), reserved and malformed names, callers without
// the role, and keys of another organization.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/storage/catalog/accounts.ts';
import { catalogRows } from './catalog-rows.ts';
import { api, createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import { addMember, call, signUp } from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'stk-bad');
});
afterAll(() => server.close());

async function storedStacks(): Promise<number> {
  const rows = await catalogRows<{ n: number }>(server, 'select count(*) as n from stacks');
  return Number(rows[0]!.n);
}

const put = (name: string, body: string) => api(server, 'PUT', `/stacks/stk-bad/${name}`, { body });

describe('stack bodies with the wrong shape', () => {
  const cases: [what: string, body: unknown, mentions: string[]][] = [
    ['not an object', [{ name: 'resize' }], ['JSON object']],
    ['a string', 'resize', ['JSON object']],
    ['an unknown field', { operations: [], stack_operations: [] }, ['"stack_operations"']],
    ['operations not an array', { operations: { name: 'resize' } }, ['operations must be an array']],
    ['an operation not an object', { operations: ['resize'] }, ['operations[0]']],
    ['an operation without a name', { operations: [{ options: { width: 1 } }] }, ['operations[0].name']],
    ['an operation with an empty name', { operations: [{ name: '' }] }, ['operations[0].name']],
    ['an unknown operation field', { operations: [{ name: 'resize', option: {} }] }, ['"option"', 'operations[0]']],
    ['operation options not an object', { operations: [{ name: 'resize', options: 5 }] }, ['operations[0].options']],
    [
      'an operation option that is an object',
      { operations: [{ name: 'resize', options: { width: { px: 5 } } }] },
      ['operations[0].options.width'],
    ],
    [
      'an operation option that is an array',
      { operations: [{ name: 'grayscale' }, { name: 'resize', options: { width: [5] } }] },
      ['operations[1].options.width'],
    ],
    [
      'an operation expression that is not text',
      { operations: [{ name: 'resize', expressions: { width: 5 } }] },
      ['operations[0].expressions.width'],
    ],
    ['stack options not an object', { operations: [], options: 'dpr-2' }, ['options must be an object']],
    ['a stack option that is an object', { operations: [], options: { dpr: { x: 2 } } }, ['options.dpr']],
    ['variables not an object', { operations: [], variables: [1, 2] }, ['variables must be an object']],
    ['a variable that is an object', { operations: [], variables: { w: {} } }, ['variables.w']],
    ['expressions not an array', { operations: [], expressions: { expression: 'true' } }, ['expressions']],
    [
      'an expression without its text',
      { operations: [], expressions: [{ overrides: {} }] },
      ['expressions[0].expression'],
    ],
    [
      'an expression whose overrides are not an object',
      { operations: [], expressions: [{ expression: 'true', overrides: 'x' }] },
      ['expressions[0].overrides'],
    ],
    [
      'an override of an unknown kind',
      { operations: [], expressions: [{ expression: 'true', overrides: { stack: {} } }] },
      ['"stack"', 'expressions[0].overrides'],
    ],
    [
      'an override option that is an object',
      { operations: [], expressions: [{ expression: 'true', overrides: { options: { dpr: {} } } }] },
      ['expressions[0].overrides.options.dpr'],
    ],
    ['a description that is not text', { operations: [], description: 5 }, ['description']],
  ];

  it.each(cases)(
    'refuses %s with 400 ORIGO_ERR_STACK_BAD_BODY naming the field, and stores nothing',
    async (_what, body, mentions) => {
      const before = await storedStacks();
      const res = await put('refused', JSON.stringify(body));
      expectError(res, 400, 'ORIGO_ERR_STACK_BAD_BODY', ...mentions);
      expect(await storedStacks()).toBe(before);
      expectError(await api(server, 'GET', '/stacks/stk-bad/refused'), 404, 'ORIGO_ERR_STACK_NOT_FOUND');
    },
  );

  const unrenderable: [what: string, body: unknown, mentions: string[]][] = [
    [
      'an unknown operation',
      { operations: [{ name: 'resize', options: { width: 5 } }, { name: 'sharpen' }] },
      ['operations[1].name', '"sharpen"'],
    ],
    [
      'an unknown operation option',
      { operations: [{ name: 'resize', options: { width: 5, colour: 'red' } }] },
      ['operations[0].options.colour'],
    ],
    [
      'an option value out of range',
      { operations: [{ name: 'resize', options: { width: 20000 } }] },
      ['operations[0].options.width'],
    ],
    [
      'an option value of the wrong kind',
      { operations: [{ name: 'blur', options: { sigma: 'soft' } }] },
      ['operations[0].options.sigma'],
    ],
    [
      'an expression for an unknown option',
      { operations: [{ name: 'resize', options: { width: 5 }, expressions: { depth: '$d' } }] },
      ['operations[0].expressions.depth'],
    ],
    [
      'a required option missing',
      { operations: [{ name: 'crop', options: { width: 10 } }] },
      ['operations[0]', 'options.height'],
    ],
    ['an unknown stack option', { operations: [], options: { 'jpeg.qualty': 50 } }, ['options.jpeg.qualty']],
    ['a stack option value out of range', { operations: [], options: { 'jpg.quality': 500 } }, ['options.jpg.quality']],
    [
      'an expression overriding an unknown stack option',
      { operations: [], expressions: [{ expression: 'options.dpr > 1', overrides: { options: { speed: 3 } } }] },
      ['expressions[0].overrides.options.speed'],
    ],
  ];

  it.each(unrenderable)(
    'refuses %s with 400 ORIGO_ERR_STACK_BAD_BODY naming it, and stores nothing',
    async (_what, body, mentions) => {
      const before = await storedStacks();
      expectError(await put('unrenderable', JSON.stringify(body)), 400, 'ORIGO_ERR_STACK_BAD_BODY', ...mentions);
      expect(await storedStacks()).toBe(before);
    },
  );

  it('refuses a body that is not JSON', async () => {
    expectError(await put('refused', '{"operations": ['), 400, 'ORIGO_ERR_REQUEST_BAD_JSON');
  });

  it('leaves an existing stack as it was when an overwrite is refused', async () => {
    expect((await put('stays', JSON.stringify({ operations: [{ name: 'grayscale' }] }))).status).toBe(201);
    const res = await api(server, 'PUT', '/stacks/stk-bad/stays?overwrite=true', {
      body: JSON.stringify({ operations: [{ name: 'sepia', options: { x: [] } }] }),
    });
    expectError(res, 400, 'ORIGO_ERR_STACK_BAD_BODY', 'operations[0].options.x');
    const read = await api(server, 'GET', '/stacks/stk-bad/stays');
    expect(read.json.stack_operations).toEqual([{ name: 'grayscale', options: {} }]);
  });
});

describe('stack names', () => {
  const body = JSON.stringify({ operations: [] });

  it.each([
    ['dynamic', 'reserved'],
    ['Dynamic', 'reserved'],
    ['_internal', '"_"'],
    ['_', '"_"'],
    ['has space', 'letters'],
    ['-leading-dash', 'letters'],
    ['.hidden', 'letters'],
    ['x'.repeat(101), '100'],
    ['ümlaut', 'letters'],
  ])('refuses %j with 400 ORIGO_ERR_STACK_INVALID_NAME', async (name, mention) => {
    const before = await storedStacks();
    const res = await put(encodeURIComponent(name), body);
    expectError(res, 400, 'ORIGO_ERR_STACK_INVALID_NAME', mention);
    expect(await storedStacks()).toBe(before);
  });

  it.each(['_preview', '_preview-large', 'thumb_2x', 'Small.Square', 'x'.repeat(100), '0'])(
    'accepts %j',
    async (name) => {
      const res = await put(encodeURIComponent(name), body);
      expect(res.status, res.text).toBe(201);
      expect(res.json.name).toBe(name);
      expect((await api(server, 'GET', `/stacks/stk-bad/${encodeURIComponent(name)}`)).json.name).toBe(name);
    },
  );
});

describe('who may read and write stacks', () => {
  const body = { operations: [{ name: 'grayscale' }] };

  it('read, write and admin read stacks; only write and admin change them', async () => {
    await createOrg(server, 'stk-roles');
    expect((await api(server, 'PUT', '/stacks/stk-roles/base', { body: JSON.stringify(body) })).status).toBe(201);
    const expected: [Role, { read: number; write: number }][] = [
      ['admin', { read: 200, write: 201 }],
      ['write', { read: 200, write: 201 }],
      ['read', { read: 200, write: 403 }],
      ['upload', { read: 403, write: 403 }],
      ['sourceimages:read', { read: 403, write: 403 }],
      ['sourceimages:write', { read: 403, write: 403 }],
      ['sourceimages:unlock', { read: 403, write: 403 }],
      ['billing:read', { read: 403, write: 403 }],
    ];
    const got: [Role, { read: number; write: number }][] = [];
    for (const [role] of expected) {
      const member = await addMember(server, 'stk-roles', [role]);
      const read = await call(server, 'GET', '/stacks/stk-roles/base', { key: member.key });
      const write = await call(server, 'PUT', `/stacks/stk-roles/by-${role.replace(':', '-')}`, {
        key: member.key,
        json: body,
      });
      got.push([role, { read: read.status, write: write.status }]);
    }
    expect(got).toEqual(expected);
  });

  it('keeps organizations apart: a key of one neither reads, lists, writes nor purges the stacks of another', async () => {
    const a = await signUp(server, 'stk-wall-a');
    const b = await signUp(server, 'stk-wall-b');
    expect((await call(server, 'PUT', '/stacks/stk-wall-b/secret', { key: b.key, json: body })).status).toBe(201);
    const attempts: [string, string, unknown?][] = [
      ['GET', '/stacks/stk-wall-b'],
      ['GET', '/stacks/stk-wall-b/secret'],
      ['GET', '/stacks/stk-wall-b/absent'],
      ['PUT', '/stacks/stk-wall-b/secret?overwrite=true', { operations: [] }],
      ['PUT', '/stacks/stk-wall-b/planted', body],
      ['DELETE', '/stacks/stk-wall-b/secret'],
      ['DELETE', '/stacks/stk-wall-b/secret/cache'],
    ];
    for (const [method, path, json] of attempts) {
      const res = await call(server, method, path, { key: a.key, ...(json !== undefined && { json }) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.origo_code).toBe('ORIGO_ERR_AUTH_FORBIDDEN');
      // The refusal tells nothing of what wall-b holds.
      expect(res.text).not.toContain('secret');
    }
    const list = await call(server, 'GET', '/stacks/stk-wall-b', { key: b.key });
    expect(list.json.items.map((s: { name: string }) => s.name)).toEqual(['secret']);
    expect(list.json.items[0].stack_operations).toEqual([{ name: 'grayscale', options: {} }]);
    const rows = await catalogRows<{ g: number }>(
      server,
      "select cache_generation as g from stacks where name = 'secret'",
    );
    expect(rows.map((r) => Number(r.g))).toEqual([0]);
  });
});
