// Uploads and requests that must be refused: each answers rokka's error JSON
// with the right status and origo code, a message naming what is wrong, and
// a failed upload leaves no row, no blob and no temp file behind.

import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { pngClaiming } from './fixtures.ts';
import { api, createOrg, form, jpeg, png, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { blobFiles } from './stored-blobs.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
});
afterAll(() => server.close());

type Res = Awaited<ReturnType<typeof api>>;

function expectError(res: Res, status: number, origoCode: string, ...mentions: (string | RegExp)[]): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.json).toMatchObject({
    error: { code: status, origo_code: origoCode, message: expect.any(String) },
    code: status,
    message: expect.any(String),
  });
  expect(res.json.message).toBe(res.json.error.message);
  for (const m of mentions) {
    if (typeof m === 'string') expect(res.json.message).toContain(m);
    else expect(res.json.message).toMatch(m);
  }
}

/** Nothing of a failed upload may remain: no row in acme, no blob, no temp file. */
async function expectNothingStored(): Promise<void> {
  expect(await imageCount(server, 'acme')).toBe(0);
  expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
}

/** A multipart body built by hand, for bodies FormData cannot make. */
function multipart(
  boundary: string,
  parts: { name: string; filename?: string; bytes: Buffer | string }[],
  close = true,
): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const type = p.filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`, 'latin1'));
    chunks.push(typeof p.bytes === 'string' ? Buffer.from(p.bytes, 'utf8') : p.bytes);
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

function rawPost(pathname: string, body: Buffer, contentType: string, extra: Record<string, string> = {}) {
  return api(server, 'POST', pathname, {
    body: new Uint8Array(body),
    headers: { 'content-type': contentType, ...extra },
  });
}

describe('refused files', () => {
  it('refuses an empty file with 400 and stores nothing', async () => {
    const res = await upload(server, 'acme', [{ name: 'empty.jpg', bytes: Buffer.alloc(0) }]);
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_EMPTY_FILE', 'File "empty.jpg" is empty', '0 bytes');
    await expectNothingStored();
  });

  it('refuses a truncated PNG with 400', async () => {
    const whole = await png(3, 64, 64);
    const res = await upload(server, 'acme', [
      { name: 'cut.png', bytes: whole.subarray(0, Math.floor(whole.length / 2)) },
    ]);
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', 'File "cut.png" is truncated', 'PNG');
    await expectNothingStored();
  });

  it('refuses a text file named .jpg with 400, whatever the name says', async () => {
    const res = await upload(server, 'acme', [
      { name: 'notes.jpg', bytes: Buffer.from('Dear diary,\nthis is not a picture.\n'.repeat(20)) },
    ]);
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT', 'File "notes.jpg" is not an image', 'not its name');
    await expectNothingStored();
  });

  it('refuses a PNG whose header claims 30000 x 30000 pixels with 413 before decoding it', async () => {
    const bytes = pngClaiming(30_000, 30_000);
    expect(bytes.length).toBeLessThan(200);
    const started = Date.now();
    const res = await upload(server, 'acme', [{ name: 'huge.png', bytes }]);
    expectError(res, 413, 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS', 'File "huge.png" is 30000 x 30000 pixels', '225,000,000');
    // 900 megapixels would take many seconds and gigabytes to decode.
    expect(Date.now() - started).toBeLessThan(5000);
    await expectNothingStored();
  });

  it('the hand-made PNG is itself valid: the same bytes at a small size are stored', async () => {
    const other = await startServer();
    try {
      await createOrg(other, 'acme');
      const res = await api(other, 'POST', '/sourceimages/acme', {
        body: form([{ name: 'small.png', bytes: pngClaiming(4, 2) }]),
      });
      expect(res.status, res.text).toBe(200);
      expect(res.json.items[0]).toMatchObject({ width: 4, height: 2, format: 'png' });
    } finally {
      await other.close();
    }
  });

  it('stores none of three files when one of them is bad (400, no blob)', async () => {
    const good1 = await jpeg(11);
    const good2 = await png(12);
    const res = await upload(server, 'acme', [
      { name: 'good-1.jpg', bytes: good1 },
      { name: 'broken.png', bytes: Buffer.from('\x89PNG\r\n\x1a\nnot really', 'latin1') },
      { name: 'good-2.png', bytes: good2 },
    ]);
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', 'File "broken.png" looks like a PNG image');
    expect(res.json.message).not.toContain('good-1.jpg');
    await expectNothingStored();
  });

  it('refuses user metadata that is not JSON and stores nothing', async () => {
    const res = await upload(server, 'acme', [{ name: 'meta.jpg', bytes: await jpeg(13) }], {
      'meta_user[0]': '{not json',
    });
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_BAD_FIELD', 'meta_user[0]', 'JSON');
    await expectNothingStored();
  });
});

describe('refused multipart bodies', () => {
  it('refuses a request with neither file nor url with 400', async () => {
    const res = await api(server, 'POST', '/sourceimages/acme', { body: form([], { 'meta_user[0]': '{"a":1}' }) });
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_NO_SOURCE', 'url[0]', 'file');
    await expectNothingStored();
  });

  it('refuses a url[i] whose index a file already has with 400', async () => {
    const res = await upload(server, 'acme', [{ name: 'first.jpg', bytes: await jpeg(14) }], {
      'url[0]': 'https://example.com/x.jpg',
    });
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_INDEX_CONFLICT', 'url[0]', 'index 0');
    await expectNothingStored();
  });

  it('refuses a body that is not multipart with 400', async () => {
    const res = await rawPost(
      '/sourceimages/acme',
      Buffer.from('{"url":"https://example.com/a.jpg"}'),
      'application/json',
    );
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_BAD_MULTIPART', 'multipart/form-data', 'application/json');
    await expectNothingStored();
  });

  it('refuses a multipart body with no boundary in the header nor in the body with 400', async () => {
    const res = await rawPost(
      '/sourceimages/acme',
      Buffer.from('filedata=hello\r\nmore text\r\n'),
      'multipart/form-data',
    );
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_BAD_MULTIPART', 'boundary');
    await expectNothingStored();
  });

  it('accepts a body whose Content-Type lacks the boundary when the body starts with one (Ruby client)', async () => {
    const other = await startServer();
    try {
      await createOrg(other, 'acme');
      const bytes = await jpeg(15);
      const body = multipart('RubyBoundary12345', [{ name: 'filedata', filename: 'ruby.jpg', bytes }]);
      const res = await api(other, 'POST', '/sourceimages/acme', {
        body: new Uint8Array(body),
        headers: { 'content-type': 'multipart/form-data' },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.json.total).toBe(1);
      expect(res.json.items[0]).toMatchObject({ name: 'ruby.jpg', size: bytes.length, format: 'jpg' });
      expect(await imageCount(other, 'acme')).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('refuses a multipart body cut off in the middle of a file with 400', async () => {
    const bytes = await jpeg(16, 200, 150);
    const whole = multipart('CutBoundary', [{ name: 'filedata', filename: 'cut.jpg', bytes }]);
    const cut = whole.subarray(0, whole.length - Math.floor(bytes.length / 2));
    // fetch sends Content-Length: cut.length, so the HTTP body is complete and only the multipart is cut.
    const res = await rawPost('/sourceimages/acme', cut, 'multipart/form-data; boundary=CutBoundary');
    expectError(res, 400, 'ORIGO_ERR_UPLOAD_BAD_MULTIPART', /cut off|malformed/);
    await expectNothingStored();
  });
});

describe('refused requests', () => {
  it('answers 404 ORIGO_ERR_ORG_NOT_FOUND for an unknown organization', async () => {
    const res = await upload(server, 'nosuchorg', [{ name: 'a.jpg', bytes: await jpeg(17) }]);
    expectError(res, 404, 'ORIGO_ERR_ORG_NOT_FOUND', 'nosuchorg');
    const get = await api(server, 'GET', '/sourceimages/nosuchorg');
    expectError(get, 404, 'ORIGO_ERR_ORG_NOT_FOUND', 'nosuchorg');
    await expectNothingStored();
  });

  it('answers 404 for a malformed hash in GET, DELETE and download', async () => {
    for (const bad of ['xyz123', '12345', 'g'.repeat(40), 'a'.repeat(41)]) {
      expectError(await api(server, 'GET', `/sourceimages/acme/${bad}`), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND', bad, 'acme');
      expectError(await api(server, 'DELETE', `/sourceimages/acme/${bad}`), 404, 'ORIGO_ERR_IMAGE_NOT_FOUND', bad);
      expectError(
        await api(server, 'GET', `/sourceimages/acme/${bad}/download`),
        404,
        'ORIGO_ERR_IMAGE_NOT_FOUND',
        bad,
      );
    }
  });

  it('answers 403 with invalid_authentication for a wrong key', async () => {
    const res = await api(server, 'GET', '/sourceimages/acme', { headers: { 'api-key': 'not-the-key-at-all-0000' } });
    expectError(res, 403, 'ORIGO_ERR_AUTH_INVALID_KEY', 'API key');
    expect(res.json.invalid_authentication).toBe(true);
    const post = await api(server, 'POST', '/sourceimages/acme', {
      headers: { 'api-key': `${ROOT_KEY}x` },
      body: form([{ name: 'a.jpg', bytes: await jpeg(18) }]),
    });
    expectError(post, 403, 'ORIGO_ERR_AUTH_INVALID_KEY');
    expect(post.json.invalid_authentication).toBe(true);
    await expectNothingStored();
  });

  it('answers 403 with invalid_authentication for a missing key', async () => {
    const res = await fetch(`${server.url}/sourceimages/acme`);
    const json = await res.json();
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(json).toMatchObject({
      error: { code: 403, origo_code: 'ORIGO_ERR_AUTH_MISSING_KEY' },
      code: 403,
      invalid_authentication: true,
    });
    expect(json.message).toContain('Api-Key');
  });

  it('answers 400 for Api-Version 2', async () => {
    const res = await api(server, 'GET', '/sourceimages/acme', { headers: { 'api-version': '2' } });
    expectError(res, 400, 'ORIGO_ERR_REQUEST_BAD_API_VERSION', 'Api-Version', '"2"');
    expect((await api(server, 'GET', '/sourceimages/acme', { headers: { 'api-version': '1' } })).status).toBe(200);
  });

  it('answers 404 JSON for an unknown route', async () => {
    const res = await api(server, 'GET', '/nothing/here');
    expectError(res, 404, 'ORIGO_ERR_REQUEST_NOT_FOUND', '/nothing/here');
  });

  it('answers 405 JSON with an Allow header for a wrong method on a known path', async () => {
    const res = await api(server, 'PATCH', '/sourceimages/acme');
    expectError(res, 405, 'ORIGO_ERR_REQUEST_METHOD_NOT_ALLOWED', 'PATCH', '/sourceimages/acme');
    expect(res.headers.get('allow')).toBe('DELETE, GET, HEAD, POST');
    expect(res.json.message).toContain('use DELETE, GET, HEAD, POST');

    const restore = await api(server, 'GET', `/sourceimages/acme/${'a'.repeat(40)}/restore`);
    expectError(restore, 405, 'ORIGO_ERR_REQUEST_METHOD_NOT_ALLOWED');
    expect(restore.headers.get('allow')).toBe('POST');
  });
});
