// Named stacks in render URLs (spec RENDER.md §2, §3, §6): a stack made with
// the stacks API renders as its operations say; URL segments override its
// options and variables; its expressions pick overrides by the image; and
// overwriting it refreshes renders without a purge.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, expectError, startServer, type TestServer } from './helpers.ts';
import { asApiResult, decode, putStack, quartersPng, render, uploaded } from './render-api.ts';

let server: TestServer;
let hash: string;
let tallHash: string;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  hash = await uploaded(server, 'acme', await quartersPng(200, 100));
  tallHash = await uploaded(server, 'acme', await quartersPng(100, 300), 'tall.png');
});
afterAll(() => server.close());

async function size(path: string): Promise<[number, number]> {
  const res = await render(server, path);
  expect(res.status, res.bytes.toString()).toBe(200);
  const d = await decode(res.bytes);
  return [d.width, d.height];
}

describe('named stacks', () => {
  it('renders through the stack, and URL segments override its options', async () => {
    const made = await putStack(server, 'acme', 'thumb', {
      operations: [{ name: 'resize', options: { width: 100 } }],
    });
    expect(made.status, made.text).toBe(201);
    expect(await size(`/render/acme/thumb/${hash}.png`)).toEqual([100, 50]);
    expect(await size(`/render/acme/thumb/resize-width-40/${hash}.png`)).toEqual([40, 20]);
  });

  it('refuses an override of an operation the stack does not have', async () => {
    await putStack(server, 'acme', 'only-resize', { operations: [{ name: 'resize', options: { width: 10 } }] });
    const res = await render(server, `/render/acme/only-resize/crop-width-5-height-5/${hash}.png`);
    expectError(asApiResult(res), 400, 'ORIGO_ERR_RENDER_UNKNOWN_OPERATION', 'crop');
  });

  it('refreshes its renders when it is overwritten', async () => {
    await putStack(server, 'acme', 'changing', { operations: [{ name: 'resize', options: { width: 60 } }] });
    const before = await render(server, `/render/acme/changing/${hash}.png`);
    expect((await decode(before.bytes)).width).toBe(60);
    const again = await putStack(
      server,
      'acme',
      'changing',
      { operations: [{ name: 'resize', options: { width: 30 } }] },
      '?overwrite=true',
    );
    expect(again.status, again.text).toBe(200);
    const after = await render(server, `/render/acme/changing/${hash}.png`);
    expect(after.headers.get('x-origo-render')).toBe('render');
    expect((await decode(after.bytes)).width).toBe(30);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('renders afresh after DELETE …/cache', async () => {
    await putStack(server, 'acme', 'purged', { operations: [{ name: 'resize', options: { width: 20 } }] });
    await render(server, `/render/acme/purged/${hash}.png`);
    expect((await render(server, `/render/acme/purged/${hash}.png`)).headers.get('x-origo-render')).toBe('cache');
    const purge = await api(server, 'DELETE', '/stacks/acme/purged/cache');
    expect(purge.status, purge.text).toBe(200);
    expect(purge.json).toEqual({ status: 'ok' });
    expect((await render(server, `/render/acme/purged/${hash}.png`)).headers.get('x-origo-render')).toBe('render');
  });

  it('uses stack variables, overridden by v- segments and then by ?v', async () => {
    const made = await putStack(server, 'acme', 'sized', {
      operations: [{ name: 'resize', options: { width: '[$w]' } }],
      variables: { w: 50 },
    });
    expect(made.status, made.text).toBe(201);
    expect(await size(`/render/acme/sized/${hash}.png`)).toEqual([50, 25]);
    expect(await size(`/render/acme/sized/v-w-80/${hash}.png`)).toEqual([80, 40]);
    const v = encodeURIComponent(JSON.stringify({ w: 120 }));
    expect(await size(`/render/acme/sized/v-w-80/${hash}.png?v=${v}`)).toEqual([120, 60]);
  });

  it('applies a stack expression whose condition holds for the image', async () => {
    const made = await putStack(server, 'acme', 'portrait-aware', {
      operations: [{ name: 'resize', options: { width: 100 } }],
      expressions: [{ expression: 'image.height > image.width', overrides: { options: { dpr: 2 } } }],
    });
    expect(made.status, made.text).toBe(201);
    expect(await size(`/render/acme/portrait-aware/${hash}.png`)).toEqual([100, 50]);
    expect(await size(`/render/acme/portrait-aware/${tallHash}.png`)).toEqual([200, 600]);
  });

  it('refuses an expression it cannot evaluate, naming it', async () => {
    await putStack(server, 'acme', 'broken-expression', {
      operations: [{ name: 'resize', options: { width: '[$w * ]' } }],
      variables: { w: 50 },
    });
    const res = await render(server, `/render/acme/broken-expression/${hash}.png`);
    expectError(asApiResult(res), 400, 'ORIGO_ERR_RENDER_BAD_EXPRESSION', '$w *');
  });

  it('never caches a _preview stack', async () => {
    const made = await putStack(server, 'acme', '_preview_try', {
      operations: [{ name: 'resize', options: { width: 20 } }],
    });
    expect(made.status, made.text).toBe(201);
    const first = await render(server, `/render/acme/_preview_try/${hash}.png`);
    const second = await render(server, `/render/acme/_preview_try/${hash}.png`);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(second.headers.get('x-origo-render')).toBe('render');
  });
});
