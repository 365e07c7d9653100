// ORIGO_MAX_JSON_BYTES over HTTP: a JSON body one byte over the limit is 413
// naming the setting and changes nothing; one at the limit is taken; an
// upload's text field over the limit is refused as a bad field.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, expectError, startServer, type TestServer, uniquePng, upload } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';

const LIMIT = 2048;

let server: TestServer;
let hash: string;
beforeAll(async () => {
  server = await startServer({ ORIGO_MAX_JSON_BYTES: String(LIMIT) });
  await createOrg(server);
  const res = await upload(server, 'acme', [{ name: 'a.png', bytes: await uniquePng(1) }], {
    'meta_user[0]': JSON.stringify({ keep: 'me' }),
  });
  expect(res.status, res.text).toBe(200);
  hash = res.json.items[0].hash;
});
afterAll(() => server.close());

/** `{"note":"xx…"}` of exactly `bytes` bytes. */
function noteOf(bytes: number): string {
  const body = JSON.stringify({ note: 'x'.repeat(bytes - '{"note":""}'.length) });
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

const metaPath = () => `/sourceimages/acme/${hash}/meta/user`;
const putMeta = (body: string) =>
  api(server, 'PUT', metaPath(), { body, headers: { 'content-type': 'application/json' } });

describe(`ORIGO_MAX_JSON_BYTES=${LIMIT}`, () => {
  it('refuses a JSON body one byte over the limit with 413 naming the setting, and changes nothing', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const res = await api(server, method, metaPath(), {
        body: noteOf(LIMIT + 1),
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 413, 'ORIGO_ERR_REQUEST_BODY_TOO_LARGE');
      expect(res.json.message, method).toBe(
        `The request body is larger than the limit of ${LIMIT} bytes for JSON bodies (ORIGO_MAX_JSON_BYTES)`,
      );
    }
    const meta = await api(server, 'GET', metaPath());
    expect(meta.json).toEqual({ keep: 'me' });
  });

  it('takes a JSON body of exactly the limit', async () => {
    const body = noteOf(LIMIT);
    const res = await putMeta(body);
    expect(res.status, res.text).toBe(204);
    const meta = await api(server, 'GET', metaPath());
    expect(meta.json).toEqual(JSON.parse(body));
  });

  it('refuses an upload whose meta_user field is over the limit as a bad field, storing nothing', async () => {
    const images = await imageCount(server);
    const blobs = await blobFiles(server);
    const res = await upload(server, 'acme', [{ name: 'b.png', bytes: await uniquePng(2) }], {
      'meta_user[0]': noteOf(LIMIT + 1),
    });
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_BAD_FIELD');
    expect(res.json.message).toBe(`Field meta_user[0] is longer than ${LIMIT} bytes (ORIGO_MAX_JSON_BYTES)`);
    expect(await imageCount(server)).toBe(images);
    expect(await blobFiles(server)).toEqual({ blobs: blobs.blobs, temp: [] });

    // The same field at the limit is taken.
    const ok = await upload(server, 'acme', [{ name: 'b.png', bytes: await uniquePng(2) }], {
      'meta_user[0]': noteOf(LIMIT),
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.items[0].user_metadata).toEqual(JSON.parse(noteOf(LIMIT)));
  });
});
