// Every reply checked against what /doc.json publishes: real requests through
// every route (successes and typical refusals), each answer's status looked up
// in the route's published responses and its JSON body validated against the
// published schema. Replies bypass Fastify's serializer (http/reply.ts), so
// nothing else keeps the two in step. And /doc.json lists exactly the routes
// Fastify registered.

import Schema from 'typebox/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA_10_20, form, jpeg, png, ROOT_KEY, startServer, type TestServer } from './helpers.ts';
import { type CallOptions, type CallResult, call } from './tenancy-helpers.ts';

let server: TestServer;
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is walked as plain JSON.
let doc: any;

beforeAll(async () => {
  server = await startServer();
  doc = (await call(server, 'GET', '/doc.json')).json;
});
afterAll(() => server.close());

const HTTP_METHODS = new Set(['get', 'head', 'put', 'post', 'patch', 'delete', 'options', 'copy']);

/** The operations /doc.json publishes, as "METHOD /path/{param}". */
function publishedOperations(): string[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations as object)
      .filter((m) => HTTP_METHODS.has(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/**
 * A published OpenAPI 3.0 schema as plain JSON Schema: component references
 * inlined, `nullable` turned into a null type.
 */
function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const schema = node as Record<string, unknown>;
  if (typeof schema['$ref'] === 'string') {
    const name = schema['$ref'].replace(/^#\/components\/schemas\//, '');
    const target = doc.components.schemas[name];
    if (target === undefined) throw new Error(`/doc.json refers to ${schema['$ref']}, which it does not define`);
    return jsonSchema(target);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (key !== 'nullable') out[key] = jsonSchema(value);
  if (schema['nullable'] === true && typeof schema['type'] === 'string') out['type'] = [schema['type'], 'null'];
  return out;
}

/** Statuses answered per operation. */
const answered = new Map<string, Set<number>>();

/** Checks one answer against the operation's published response for its status. */
function checkAgainstDoc(operation: string, res: CallResult): void {
  const [method, path] = operation.split(' ') as [string, string];
  const published = doc.paths[path]?.[method.toLowerCase()];
  expect(published, `${operation} is not in /doc.json`).toBeDefined();
  const status = String(res.status);
  const response = published.responses[status] ?? published.responses[`${status[0]}XX`];
  expect(
    response,
    `${operation} answered ${status}, which /doc.json does not publish for it: ${res.text}`,
  ).toBeDefined();
  answered.set(operation, (answered.get(operation) ?? new Set()).add(res.status));

  const json = response.content?.['application/json'];
  if (method === 'HEAD' || response.content === undefined) {
    expect(res.text, `${operation} ${status} has no body`).toBe('');
    return;
  }
  if (json === undefined) return; // bytes (the download): checked by the download tests
  expect(res.headers.get('content-type'), `${operation} ${status}`).toBe('application/json');
  const [, errors] = Schema.Errors(jsonSchema(json.schema) as Parameters<typeof Schema.Errors>[0], res.json);
  expect(
    errors.map((e) => `${e.instancePath || '/'} ${e.message}`),
    `${operation} ${status} against /doc.json: ${res.text}`,
  ).toEqual([]);
}

interface Request extends CallOptions {
  /** The path parameters of the operation's path. */
  params?: Record<string, string>;
  query?: string;
}

/** Sends a request to the operation ("METHOD /path/{param}"), by default with the root key, and checks the answer. */
async function send(operation: string, request: Request = {}): Promise<CallResult> {
  const [method, template] = operation.split(' ') as [string, string];
  // {*} (a render path) is given as it goes on the wire; other parameters are one path segment each.
  const path = template.replace(/\{(\w+|\*)\}/g, (_, name: string) => {
    if (name === '*') return request.params?.['*'] ?? '';
    const value = request.params?.[name];
    if (value === undefined) throw new Error(`${operation}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const res = await call(server, method, request.query ? `${path}?${request.query}` : path, {
    key: ROOT_KEY,
    ...request,
  });
  checkAgainstDoc(operation, res);
  return res;
}

/** Sends and expects the status. */
async function expectStatus(status: number, operation: string, request: Request = {}): Promise<CallResult> {
  const res = await send(operation, request);
  expect(res.status, `${operation}: ${res.text}`).toBe(status);
  return res;
}

describe('/doc.json', () => {
  it('lists every route Fastify registered, and nothing else', () => {
    const registered = server.app.routeTable
      // The documentation itself (Swagger UI, /doc.json), the dashboard's static files and the CORS
      // preflight answering every path are not API operations.
      .filter(
        (r) =>
          !(r.url === '/doc.json' || r.url === '/doc' || r.url.startsWith('/doc/')) &&
          !(r.url === '/dashboard' || r.url.startsWith('/dashboard/')) &&
          !(r.method === 'OPTIONS' && r.url === '/*'),
      )
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')}`);
    expect(registered.length).toBeGreaterThan(40);
    expect(publishedOperations().sort()).toEqual([...new Set(registered)].sort());
  });
});

describe('every reply matches the schema /doc.json publishes for its route and status', () => {
  const org = 'rs-a';
  const dest = 'rs-b';
  let image: { hash: string; binary_hash: string };
  let second: { hash: string };

  it('organizations', async () => {
    await expectStatus(200, 'PUT /organizations/{org}', {
      params: { org },
      json: { billing_email: 'ops@example.com', display_name: 'A' },
    });
    await expectStatus(200, 'PUT /organizations/{org}', {
      params: { org: dest },
      json: { billing_email: 'ops@example.com' },
    });
    await expectStatus(409, 'PUT /organizations/{org}', {
      params: { org },
      json: { billing_email: 'ops@example.com' },
    });
    await expectStatus(400, 'PUT /organizations/{org}', { params: { org: 'Not A Name' }, json: {} });
    await expectStatus(200, 'GET /organizations/{org}', { params: { org } });
    await expectStatus(200, 'HEAD /organizations/{org}', { params: { org } });
    await expectStatus(404, 'GET /organizations/{org}', { params: { org: 'rs-none' } });
    await expectStatus(403, 'GET /organizations/{org}', { params: { org }, key: 'not-a-key' });
  });

  it('source images: create, read, list, find, rename, lock', async () => {
    const created = await expectStatus(200, 'POST /sourceimages/{org}', {
      params: { org },
      body: form([{ name: 'a.jpg', bytes: await jpeg(1) }], { 'meta_user[0]': JSON.stringify({ category: 'sea' }) }),
    });
    image = created.json.items[0];
    second = (
      await expectStatus(200, 'POST /sourceimages/{org}', {
        params: { org },
        body: form([{ name: 'b.png', bytes: await png(2, 64, 64) }]),
      })
    ).json.items[0];
    await expectStatus(400, 'POST /sourceimages/{org}', { params: { org }, json: {} });

    const hashParams = { org, hash: image.hash };
    await expectStatus(200, 'GET /sourceimages/{org}/{hash}', { params: hashParams });
    await expectStatus(200, 'HEAD /sourceimages/{org}/{hash}', { params: hashParams });
    await expectStatus(404, 'GET /sourceimages/{org}/{hash}', { params: { org, hash: 'f'.repeat(40) } });
    await expectStatus(400, 'GET /sourceimages/{org}/{hash}', { params: hashParams, query: 'deleted=maybe' });

    const first = await expectStatus(200, 'GET /sourceimages/{org}', {
      params: { org },
      query: 'limit=1&facets=user:category',
    });
    expect(first.json).toMatchObject({
      cursor: expect.any(String),
      links: { next: expect.anything() },
      facets: { 'user:category': [{ value: 'sea', count: 1 }] },
    });
    await expectStatus(200, 'GET /sourceimages/{org}', { params: { org }, query: 'limit=1&offset=1' });
    await expectStatus(200, 'GET /sourceimages/{org}', { params: { org }, query: `binaryHash=${image.binary_hash}` });
    await expectStatus(200, 'HEAD /sourceimages/{org}', { params: { org } });
    await expectStatus(400, 'GET /sourceimages/{org}', { params: { org }, query: 'bogus=1' });
    await expectStatus(400, 'GET /sourceimages/{org}', { params: { org }, query: 'limit=1&limit=2' });

    const byBinary = { org, binaryHash: image.binary_hash };
    await expectStatus(200, 'GET /sourceimages/{org}/binaryhash/{binaryHash}', { params: byBinary });
    await expectStatus(200, 'HEAD /sourceimages/{org}/binaryhash/{binaryHash}', { params: byBinary });
    await expectStatus(400, 'GET /sourceimages/{org}/binaryhash/{binaryHash}', {
      params: byBinary,
      query: 'offset=-1',
    });

    await expectStatus(204, 'PUT /sourceimages/{org}/{hash}/name', { params: hashParams, json: 'renamed.jpg' });
    await expectStatus(400, 'PUT /sourceimages/{org}/{hash}/name', { params: hashParams, body: '' });
    await expectStatus(200, 'PUT /sourceimages/{org}/{hash}/options/locked', { params: hashParams, json: true });
    await expectStatus(403, 'DELETE /sourceimages/{org}/{hash}', { params: hashParams });
    await expectStatus(200, 'PUT /sourceimages/{org}/{hash}/options/locked', { params: hashParams, json: false });
    await expectStatus(400, 'PUT /sourceimages/{org}/{hash}/options/locked', { params: hashParams, json: 'yes' });
  });

  it('downloads', async () => {
    const params = { org, hash: image.hash };
    const whole = await expectStatus(200, 'GET /sourceimages/{org}/{hash}/download', { params });
    const etag = whole.headers.get('etag') ?? '';
    await expectStatus(206, 'GET /sourceimages/{org}/{hash}/download', { params, headers: { range: 'bytes=0-9' } });
    await expectStatus(304, 'GET /sourceimages/{org}/{hash}/download', { params, headers: { 'if-none-match': etag } });
    await expectStatus(416, 'GET /sourceimages/{org}/{hash}/download', {
      params,
      headers: { range: 'bytes=99999999-' },
    });
    await expectStatus(404, 'GET /sourceimages/{org}/{hash}/download', { params: { org, hash: 'f'.repeat(40) } });
    await expectStatus(200, 'HEAD /sourceimages/{org}/{hash}/download', { params });
    await expectStatus(206, 'HEAD /sourceimages/{org}/{hash}/download', { params, headers: { range: 'bytes=0-9' } });
    await expectStatus(304, 'HEAD /sourceimages/{org}/{hash}/download', { params, headers: { 'if-none-match': etag } });
  });

  it('user metadata', async () => {
    const params = { org, hash: image.hash };
    await expectStatus(204, 'PUT /sourceimages/{org}/{hash}/meta/user', {
      params,
      json: { category: 'sea', title: 'Beach' },
    });
    await expectStatus(400, 'PUT /sourceimages/{org}/{hash}/meta/user', { params, body: '' });
    await expectStatus(204, 'PATCH /sourceimages/{org}/{hash}/meta/user', {
      params,
      json: { title: null, 'int:rank': 3 },
    });
    await expectStatus(400, 'PATCH /sourceimages/{org}/{hash}/meta/user', { params, body: '{not json' });
    await expectStatus(200, 'GET /sourceimages/{org}/{hash}/meta/user', { params });
    await expectStatus(200, 'HEAD /sourceimages/{org}/{hash}/meta/user', { params });
    const field = { ...params, name: 'category' };
    expect((await expectStatus(200, 'GET /sourceimages/{org}/{hash}/meta/user/{name}', { params: field })).json).toBe(
      'sea',
    );
    await expectStatus(200, 'HEAD /sourceimages/{org}/{hash}/meta/user/{name}', { params: field });
    await expectStatus(404, 'GET /sourceimages/{org}/{hash}/meta/user/{name}', {
      params: { ...params, name: 'absent' },
    });
    await expectStatus(204, 'PUT /sourceimages/{org}/{hash}/meta/user/{name}', {
      params: { ...params, name: 'note' },
      body: 'plain text',
    });
    await expectStatus(400, 'PUT /sourceimages/{org}/{hash}/meta/user/{name}', {
      params: { ...params, name: 'int:rank' },
      json: 'many',
    });
    await expectStatus(204, 'DELETE /sourceimages/{org}/{hash}/meta/user/{name}', {
      params: { ...params, name: 'note' },
    });
    await expectStatus(204, 'DELETE /sourceimages/{org}/{hash}/meta/user', { params: { org, hash: second.hash } });
  });

  it('dynamic metadata and protection make images of other hashes', async () => {
    const params = { org, hash: second.hash, name: 'subject_area' };
    const derived = (
      await expectStatus(201, 'PUT /sourceimages/{org}/{hash}/meta/dynamic/{name}', { params, json: AREA_10_20 })
    ).json;
    await expectStatus(204, 'PUT /sourceimages/{org}/{hash}/meta/dynamic/{name}', {
      params: { ...params, hash: derived.hash },
      json: AREA_10_20,
    });
    await expectStatus(400, 'PUT /sourceimages/{org}/{hash}/meta/dynamic/{name}', { params, json: { x: 'left' } });
    await expectStatus(201, 'DELETE /sourceimages/{org}/{hash}/meta/dynamic/{name}', {
      params: { ...params, hash: derived.hash },
    });
    await expectStatus(204, 'DELETE /sourceimages/{org}/{hash}/meta/dynamic/{name}', { params });
    await expectStatus(400, 'DELETE /sourceimages/{org}/{hash}/meta/dynamic/{name}', {
      params: { ...params, name: 'no_such_thing' },
    });

    const toProtect = { org, hash: second.hash };
    const protectedImage = (
      await expectStatus(201, 'PUT /sourceimages/{org}/{hash}/options/protected', { params: toProtect, json: true })
    ).json;
    await expectStatus(200, 'PUT /sourceimages/{org}/{hash}/options/protected', {
      params: { org, hash: protectedImage.hash },
      json: true,
    });
    await expectStatus(400, 'PUT /sourceimages/{org}/{hash}/options/protected', { params: toProtect, json: 'sure' });
  });

  it('copies', async () => {
    const params = { org, hash: image.hash };
    await expectStatus(201, 'COPY /sourceimages/{org}/{hash}', { params, headers: { destination: dest } });
    await expectStatus(204, 'COPY /sourceimages/{org}/{hash}', { params, headers: { destination: dest } });
    await expectStatus(412, 'COPY /sourceimages/{org}/{hash}', {
      params,
      headers: { destination: dest, overwrite: 'F' },
    });
    await expectStatus(400, 'COPY /sourceimages/{org}/{hash}', { params });
    await expectStatus(201, 'POST /sourceimages/{org}/{hash}/copy', {
      params: { org, hash: second.hash },
      headers: { destination: dest },
    });
    await expectStatus(204, 'POST /sourceimages/{org}/{hash}/copy', {
      params: { org, hash: second.hash },
      headers: { destination: dest, overwrite: 'T' },
    });
    await expectStatus(404, 'POST /sourceimages/{org}/{hash}/copy', {
      params: { org, hash: 'f'.repeat(40) },
      headers: { destination: dest },
    });
    const batch = await expectStatus(200, 'POST /sourceimages/{org}/copy', {
      params: { org },
      headers: { destination: dest },
      json: [image.hash, 'f'.repeat(40)],
    });
    expect(batch.json.notfound).toEqual(['f'.repeat(40)]);
    await expectStatus(400, 'POST /sourceimages/{org}/copy', {
      params: { org },
      headers: { destination: dest },
      json: { hashes: [] },
    });
  });

  it('delete, find deleted, restore, delete by binary hash', async () => {
    const params = { org, hash: image.hash };
    await expectStatus(204, 'DELETE /sourceimages/{org}/{hash}', { params });
    await expectStatus(404, 'DELETE /sourceimages/{org}/{hash}', { params });
    const deleted = await expectStatus(200, 'GET /sourceimages/{org}/{hash}', { params, query: 'deleted=true' });
    expect(deleted.json.deleted_date).toEqual(expect.any(String));
    await expectStatus(200, 'POST /sourceimages/{org}/{hash}/restore', { params });
    await expectStatus(404, 'POST /sourceimages/{org}/{hash}/restore', { params: { org, hash: 'f'.repeat(40) } });
    await expectStatus(204, 'DELETE /sourceimages/{org}', {
      params: { org },
      query: `binaryHash=${image.binary_hash}`,
    });
    await expectStatus(400, 'DELETE /sourceimages/{org}', { params: { org } });
  });

  it('users, keys and tokens', async () => {
    const user = (
      await expectStatus(200, 'POST /users', { json: { email: 'rs-user@example.com', organization: 'rs-user' } })
    ).json;
    await expectStatus(400, 'POST /users', { json: { email: 'not an address', organization: 'rs-other' } });
    const key = { key: user.api_key };
    expect((await expectStatus(200, 'GET /user', key)).json.api_keys).toHaveLength(1);
    await expectStatus(200, 'GET /user');
    await expectStatus(200, 'HEAD /user', key);
    await expectStatus(403, 'GET /user', { key: 'not-a-key' });
    const orgs = (await expectStatus(200, 'GET /user/organizations', key)).json;
    expect(orgs.items).toEqual([{ organization: 'rs-user', roles: ['admin'] }]);
    await expectStatus(200, 'GET /user/organizations');
    await expectStatus(200, 'HEAD /user/organizations', key);
    await expectStatus(403, 'GET /user/organizations', { key: 'not-a-key' });
    await expectStatus(200, 'GET /user/apikeys', key);
    await expectStatus(200, 'HEAD /user/apikeys', key);
    const added = (await expectStatus(200, 'POST /user/apikeys', { ...key, json: { comment: 'ci' } })).json;
    await expectStatus(400, 'POST /user/apikeys', { ...key, json: { comment: 7 } });
    await expectStatus(200, 'GET /user/apikeys/current', key);
    await expectStatus(200, 'HEAD /user/apikeys/current', key);
    await expectStatus(200, 'GET /user/apikeys/token', { ...key, query: 'renewable=true' });
    await expectStatus(200, 'HEAD /user/apikeys/token', key);
    await expectStatus(400, 'GET /user/apikeys/token', { ...key, query: 'expires_in=forever' });
    await expectStatus(204, 'DELETE /user/apikeys/{id}', { ...key, params: { id: added.id } });
    await expectStatus(404, 'DELETE /user/apikeys/{id}', { ...key, params: { id: added.id } });
  });

  it('memberships', async () => {
    const base = '/organizations/{org}/memberships';
    const made = (
      await expectStatus(201, `POST ${base}`, { params: { org }, json: { roles: ['read'], comment: 'ci' } })
    ).json;
    expect(made.api_key).toEqual(expect.any(String));
    await expectStatus(400, `POST ${base}`, { params: { org }, json: { roles: ['emperor'] } });
    await expectStatus(200, `GET ${base}`, { params: { org } });
    await expectStatus(200, `HEAD ${base}`, { params: { org } });
    const member = { org, user_id: made.user_id };
    await expectStatus(200, `GET ${base}/{user_id}`, { params: member });
    await expectStatus(200, `HEAD ${base}/{user_id}`, { params: member });
    await expectStatus(404, `GET ${base}/{user_id}`, {
      params: { org, user_id: '00000000-0000-4000-8000-000000000000' },
    });

    const user = (await send('POST /users', { json: { email: 'rs-member@example.com', organization: 'rs-member' } }))
      .json;
    const other = { org, user_id: user.id };
    await expectStatus(201, `PUT ${base}/{user_id}`, { params: other, json: { roles: ['read'] } });
    await expectStatus(204, `PUT ${base}/{user_id}`, { params: other, json: { roles: ['read'] } });
    await expectStatus(200, `PUT ${base}/{user_id}`, { params: other, json: { roles: ['write'] } });
    await expectStatus(400, `PUT ${base}/{user_id}`, { params: other, json: { roles: 'write' } });
    await expectStatus(204, `DELETE ${base}/{user_id}`, { params: other });
    await expectStatus(404, `DELETE ${base}/{user_id}`, { params: other });
  });

  it('organization options', async () => {
    await expectStatus(200, 'PUT /organizations/{org}/options/{name}', {
      params: { org, name: 'protect_dynamic_stack' },
      json: true,
    });
    await expectStatus(400, 'PUT /organizations/{org}/options/{name}', { params: { org, name: 'bogus' }, json: true });
    await expectStatus(200, 'PUT /organizations/{org}/options', {
      params: { org },
      json: { protect_dynamic_stack: false },
    });
    await expectStatus(400, 'PUT /organizations/{org}/options', {
      params: { org },
      json: { protect_dynamic_stack: 1 },
    });
    const res = await expectStatus(200, 'GET /organizations/{org}', { params: { org } });
    expect(res.json.signing_keys).toHaveLength(1);
  });

  it('stacks', async () => {
    const body = {
      description: 'ci',
      operations: [{ name: 'resize', options: { width: 100 }, expressions: { height: '$h' } }],
      options: { 'jpg.quality': 70 },
      variables: { h: 50 },
      expressions: [
        { expression: 'options.dpr > 1', overrides: { options: { 'jpg.quality': 60 }, variables: { h: 20 } } },
      ],
    };
    const params = { org, name: 'rs-stack' };
    await expectStatus(201, 'PUT /stacks/{org}/{name}', { params, json: body });
    await expectStatus(409, 'PUT /stacks/{org}/{name}', { params, json: body });
    await expectStatus(200, 'PUT /stacks/{org}/{name}', { params, json: body, query: 'overwrite=true' });
    await expectStatus(400, 'PUT /stacks/{org}/{name}', { params, json: { operations: 'resize' } });
    await expectStatus(400, 'PUT /stacks/{org}/{name}', { params: { org, name: 'dynamic' }, json: body });
    await expectStatus(200, 'GET /stacks/{org}/{name}', { params });
    await expectStatus(200, 'HEAD /stacks/{org}/{name}', { params });
    await expectStatus(404, 'GET /stacks/{org}/{name}', { params: { org, name: 'rs-none' } });
    await expectStatus(200, 'GET /stacks/{org}', { params: { org }, query: 'limit=1&offset=0' });
    await expectStatus(200, 'HEAD /stacks/{org}', { params: { org } });
    await expectStatus(400, 'GET /stacks/{org}', { params: { org }, query: 'limit=many' });
    await expectStatus(200, 'DELETE /stacks/{org}/{name}/cache', { params });
    await expectStatus(404, 'DELETE /stacks/{org}/{name}/cache', { params: { org, name: 'rs-none' } });
    await expectStatus(204, 'DELETE /stacks/{org}/{name}', { params });
    await expectStatus(404, 'DELETE /stacks/{org}/{name}', { params });
  });

  it('rendering', async () => {
    const created = await send('POST /sourceimages/{org}', {
      params: { org },
      body: form([{ name: 'render.png', bytes: await png(7) }]),
    });
    const hash: string = created.json.items[0].hash;
    const path = `dynamic/resize-width-10/${hash}.png`;
    const params = { org, '*': path };
    const rendered = await expectStatus(200, 'GET /render/{org}/{*}', { params, key: '' });
    const etag = rendered.headers.get('etag') ?? '';
    await expectStatus(304, 'GET /render/{org}/{*}', { params, key: '', headers: { 'if-none-match': etag } });
    await expectStatus(200, 'HEAD /render/{org}/{*}', { params, key: '' });
    await expectStatus(304, 'HEAD /render/{org}/{*}', { params, key: '', headers: { 'if-none-match': etag } });
    await expectStatus(400, 'GET /render/{org}/{*}', {
      params: { org, '*': `dynamic/resize-width/${image.hash}.png` },
    });
    await expectStatus(404, 'GET /render/{org}/{*}', { params: { org, '*': `no-stack/${image.hash}.png` } });
    await expectStatus(200, 'GET /operations', { key: '' });
    await expectStatus(200, 'HEAD /operations', { key: '' });
    await expectStatus(200, 'GET /stackoptions', { key: '' });
    await expectStatus(200, 'HEAD /stackoptions', { key: '' });
    const url = `${server.url}/render/${org}/${path}`;
    await expectStatus(200, 'POST /utils/{org}/sign_url', { params: { org }, json: { url } });
    await expectStatus(400, 'POST /utils/{org}/sign_url', { params: { org }, json: { link: url } });
  });

  it('covered every published operation with each success status it publishes', () => {
    const missing: string[] = [];
    for (const operation of publishedOperations()) {
      const [method, path] = operation.split(' ') as [string, string];
      const successes = Object.keys(doc.paths[path][method.toLowerCase()].responses).filter((s) =>
        /^[23]\d\d$/.test(s),
      );
      expect(successes.length, `${operation} publishes no success answer`).toBeGreaterThan(0);
      for (const status of successes)
        if (!answered.get(operation)?.has(Number(status))) missing.push(`${operation} ${status}`);
    }
    expect(missing).toEqual([]);
    // Refusals were checked too, on every group of routes.
    const refusals = [...answered.values()].flatMap((statuses) => [...statuses]).filter((s) => s >= 400);
    expect(new Set(refusals)).toEqual(new Set([400, 403, 404, 409, 412, 416]));
  });
});
