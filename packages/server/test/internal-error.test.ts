// The 500 path of the error handler: an unexpected error (a plain Error from
// a route, storage failing under a request) answers rokka's error JSON with
// ORIGO_ERR_SERVER_INTERNAL and a fixed message, never the error's message,
// stack or a file path; the log gets the real error.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC } from '../src/http/access.ts';
import { catalogWrite, dialectOf } from './catalog-rows.ts';
import { type ApiResult, jpeg, ROOT_KEY, readResult, startServer, type TestServer } from './helpers.ts';
import { captureLog } from './logged-server.ts';
import { call, root, uploadAs } from './tenancy-helpers.ts';

const MESSAGE = 'Internal server error; the server log has the details';
const SECRET = 'internal detail 7f3a9c: /srv/origo/secret/path.ts';

let server: TestServer;
let url: string;
let dataDir: string;
const captured = captureLog();

beforeAll(async () => {
  server = await startServer(
    { ORIGO_LOG_LEVEL: 'info' },
    {
      logger: captured.logger,
      // A route that fails the way a bug would: a plain Error, with a message and a stack.
      beforeListen: (app) =>
        app.get('/test/throws', { config: { access: PUBLIC } }, async () => {
          throw new Error(SECRET);
        }),
    },
  );
  ({ url, dataDir } = server);
});
afterAll(() => server.close());

function expectInternal(res: ApiResult, ...mustNotShow: string[]): void {
  expect(res.status).toBe(500);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.json).toEqual({
    error: { code: 500, message: MESSAGE, origo_code: 'ORIGO_ERR_SERVER_INTERNAL' },
    code: 500,
    message: MESSAGE,
  });
  for (const text of [...mustNotShow, dataDir, 'stack', '    at ', '.ts:', 'node_modules'])
    expect(res.text).not.toContain(text);
}

/** The log records of failed requests whose error message contains `text`. */
function loggedErrors(text: string): { level: number; msg: string; err: { message: string; stack: string } }[] {
  return (
    captured.lines() as unknown as { level: number; msg: string; err: { message: string; stack: string } }[]
  ).filter((record) => record.msg === 'request failed' && String(record.err?.message).includes(text));
}

describe('an unexpected error', () => {
  it('from a route answers the fixed 500 body; the log has the error with its stack', async () => {
    const res = await readResult(await fetch(`${url}/test/throws`));
    expectInternal(res, SECRET, '7f3a9c', '/srv/origo');
    const [logged, ...more] = loggedErrors(SECRET);
    expect(more).toEqual([]);
    expect(logged).toMatchObject({ level: 50, msg: 'request failed', err: { message: SECRET } });
    expect(logged!.err.stack).toContain('internal-error.test.ts');
  });

  it('from storage failing under a request answers the same; the server keeps serving other requests', async () => {
    expect((await call(server, 'PUT', '/organizations/acme', root({ json: {} }))).status).toBe(200);
    const image = await uploadAs(server, ROOT_KEY, 'acme', 'a.jpg', await jpeg(5));
    // Break the catalog behind the server's back: its images table disappears.
    const fault =
      dialectOf(server) === 'postgres'
        ? ['relation "images" does not exist', 'error:']
        : ['no such table', 'SqliteError', 'SQLITE'];
    await catalogWrite(server, 'ALTER TABLE images RENAME TO images_away');
    try {
      const listing = await call(server, 'GET', '/sourceimages/acme', root());
      expectInternal(listing, fault[0]!, 'images_away', ...fault.slice(1));
      expect(loggedErrors(fault[0]!)).not.toEqual([]);
      // What does not need the table still works.
      expect((await call(server, 'GET', '/organizations/acme', root())).status).toBe(200);
    } finally {
      await catalogWrite(server, 'ALTER TABLE images_away RENAME TO images');
    }
    const back = await call(server, 'GET', `/sourceimages/acme/${image.hash}`, root());
    expect(back.status, back.text).toBe(200);
    expect(back.json.hash).toBe(image.hash);
  });
});
