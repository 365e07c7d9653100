// Image names, from an upload's file name, a URL's path or a rename, follow
// one rule: at most 255 characters (code points), no control characters.
// A download's Content-Disposition stays short and safe whatever is stored.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogWrite, dialectOf, imageCount } from './catalog-rows.ts';
import { closingBoundary, filePartHead } from './fixtures.ts';
import { api, createOrg, expectError, jpeg, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { connect, parseResponse } from './raw-http.ts';
import { blobFiles, stagedFiles } from './stored-blobs.ts';

let server: TestServer;
let remote: http.Server;
let remoteUrl: string;
let picture: Buffer;

beforeAll(async () => {
  server = await startServer({ ORIGO_ALLOW_PRIVATE_URLS: 'true' });
  await createOrg(server, 'names');
  picture = await jpeg(901);
  remote = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture));
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((r) => remote.close(() => r()));
});

/** A multipart body with one file part whose Content-Disposition is written by hand. */
function rawUpload(disposition: string, bytes: Buffer) {
  const boundary = 'names-boundary-7f3a';
  const body = Buffer.concat([
    filePartHead(boundary, disposition),
    bytes,
    Buffer.from('\r\n'),
    closingBoundary(boundary),
  ]);
  return api(server, 'POST', '/sourceimages/names', {
    body: new Uint8Array(body),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

async function expectNothingNew(images: number, blobs: string[]): Promise<void> {
  expect(await imageCount(server, 'names')).toBe(images);
  expect(await blobFiles(server)).toEqual({ blobs, temp: [] });
}

function download(hash: string, method = 'HEAD') {
  return fetch(`${server.url}/sourceimages/names/${hash}/download`, { method, headers: { 'api-key': ROOT_KEY } });
}

describe('upload file names', () => {
  it('refuses an 81,859-character file name with 400, naming the part, and stores nothing', async () => {
    const images = await imageCount(server, 'names');
    const { blobs } = await blobFiles(server);
    const res = await upload(server, 'names', [{ name: `${'x'.repeat(81_855)}.jpg`, bytes: await jpeg(1) }]);
    expectError(res, 400, 'ORIGO_ERR_IMAGE_INVALID_NAME');
    expect(res.json.message).toBe('File part filedata: the file name is 81859 characters; at most 255 are allowed');
    await expectNothingNew(images, blobs);
  });

  it('refuses a bad file name as soon as its part header arrives, before reading or staging the file', async () => {
    const { host } = new URL(server.url);
    const boundary = 'early-name-check';
    const partHead = filePartHead(boundary, 'filename="bad\u0007name.jpg"');
    const conn = await connect(server.url);
    // Announces a megabyte and sends only the part header and a few bytes:
    // an answer can only come from the name alone, not from a staged file.
    await conn.write(
      `POST /sourceimages/names HTTP/1.1\r\nHost: ${host}\r\nApi-Key: ${ROOT_KEY}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${1024 * 1024}\r\n\r\n`,
    );
    await conn.write(Buffer.concat([partHead, Buffer.alloc(64, 0xff)]));
    const res = parseResponse(await conn.closed());
    expect(res.status).toBe(400);
    expect(res.json.error.origo_code).toBe('ORIGO_ERR_IMAGE_INVALID_NAME');
    expect(res.json.message).toBe(
      'File part filedata: the file name "bad\\u0007name.jpg" contains U+0007, a control character; names may not contain control characters',
    );
    expect(stagedFiles(server)).toEqual([]);
  });

  it('refuses 256 characters and accepts 255, counting code points (an emoji is one)', async () => {
    const images = await imageCount(server, 'names');
    const { blobs } = await blobFiles(server);
    const tooLong = await upload(server, 'names', [
      { field: 'photo', name: `${'😀'.repeat(252)}.jpg`, bytes: await jpeg(2) },
    ]);
    expectError(
      tooLong,
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
      'File part photo: the file name is 256 characters; at most 255 are allowed',
    );
    await expectNothingNew(images, blobs);

    const name = `${'😀'.repeat(251)}.jpg`;
    const ok = await upload(server, 'names', [{ name, bytes: await jpeg(2) }]);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.items[0].name).toBe(name);
  });

  it('refuses a NUL, a tab, an escape or a C1 control in the file name, naming the code point', async () => {
    const images = await imageCount(server, 'names');
    const { blobs } = await blobFiles(server);
    // Raw bytes in the quoted file name, as a careless or hostile client sends them.
    const cases: [string, string][] = [
      ['filename="a\u0000b.jpg"', 'U+0000'],
      ['filename="a\tb.jpg"', 'U+0009'],
      ['filename="a\u001b[31mred.jpg"', 'U+001B'],
      ['filename="a\u0085b.jpg"', 'U+0085'],
    ];
    for (const [disposition, codePoint] of cases) {
      const res = await rawUpload(disposition, await jpeg(3));
      expectError(
        res,
        400,
        'ORIGO_ERR_IMAGE_INVALID_NAME',
        'File part filedata: the file name "a',
        `contains ${codePoint}, a control character`,
      );
    }
    await expectNothingNew(images, blobs);
  });

  it('refuses the whole request when one of several files has a bad name', async () => {
    const images = await imageCount(server, 'names');
    const { blobs } = await blobFiles(server);
    const res = await upload(server, 'names', [
      { field: 'filedata[0]', name: 'fine.jpg', bytes: await jpeg(4) },
      { field: 'filedata[1]', name: 'y'.repeat(300), bytes: await jpeg(5) },
    ]);
    expectError(res, 400, 'ORIGO_ERR_IMAGE_INVALID_NAME', 'File part filedata[1]: the file name is 300 characters');
    await expectNothingNew(images, blobs);
  });

  it('cleans and shortens a name derived from a url[i] path instead of refusing it', async () => {
    const segment = `${'%F0%9F%8C%B2'.repeat(400)}%00tree.jpg`;
    const res = await api(server, 'POST', '/sourceimages/names', {
      body: (() => {
        const fd = new FormData();
        fd.append('url[0]', `${remoteUrl}/${segment}`);
        return fd;
      })(),
    });
    expect(res.status, res.text).toBe(200);
    const name: string = res.json.items[0].name;
    expect([...name].length).toBe(255);
    expect(name.startsWith('🌲🌲🌲')).toBe(true);
    expect(name.endsWith('….jpg')).toBe(true);
    expect(name).not.toContain('\u0000');
  });
});

describe('rename', () => {
  let hash: string;
  beforeAll(async () => {
    const res = await upload(server, 'names', [{ name: 'to-rename.jpg', bytes: await jpeg(6) }]);
    hash = res.json.items[0].hash;
  });
  const rename = (name: unknown) =>
    api(server, 'PUT', `/sourceimages/names/${hash}/name`, { body: JSON.stringify(name) });
  const currentName = async () => (await api(server, 'GET', `/sourceimages/names/${hash}`)).json.name;

  it('applies the same rule: 256 characters or a control character answer 400 and change nothing', async () => {
    expectError(
      await rename('z'.repeat(256)),
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
      'The name is 256 characters; at most 255 are allowed',
    );
    expectError(
      await rename('a\u001bb.jpg'),
      400,
      'ORIGO_ERR_IMAGE_INVALID_NAME',
      'The name contains U+001B, a control character',
    );
    // A NUL is refused in any JSON body before the name rule looks at it.
    expectError(await rename('a\u0000b.jpg'), 400, 'ORIGO_ERR_REQUEST_NUL_CHARACTER', 'U+0000');
    expectError(await rename('bad\ud800.jpg'), 400, 'ORIGO_ERR_IMAGE_INVALID_NAME', 'U+D800');
    expect(await currentName()).toBe('to-rename.jpg');
  });

  it('accepts 255 emoji (510 UTF-16 units)', async () => {
    const name = '🌲'.repeat(255);
    expect((await rename(name)).status).toBe(204);
    expect(await currentName()).toBe(name);
  });
});

describe('Content-Disposition of a download', () => {
  it('is short and keeps the extension for a huge name stored before the rule existed', async () => {
    const res = await upload(server, 'names', [{ name: 'old.png', bytes: await jpeg(7) }]);
    const hash = res.json.items[0].hash;
    // A name as stored before the rule: 81,859 characters with a NUL (an ESC
    // on PostgreSQL, whose text cannot hold a NUL) and a CR LF. Written
    // before anything reads the image, so the read cache holds no older copy.
    const control = dialectOf(server) === 'postgres' ? '\u001b' : '\u0000';
    const stored = `${'é'.repeat(40_000)}${control}\r\n${'q'.repeat(41_851)}.jpeg`;
    expect(await catalogWrite(server, 'UPDATE images SET name = ? WHERE hash = ?', [stored, hash])).toBe(1);
    for (const method of ['HEAD', 'GET']) {
      const dl = await download(hash, method);
      expect(dl.status, method).toBe(200);
      const disposition = dl.headers.get('content-disposition') ?? '';
      expect(disposition.length).toBeLessThan(1500);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking there are none.
      expect(disposition).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(disposition).toMatch(/^attachment; filename\*=UTF-8''[^;]+; filename="[\x20-\x7e]+"$/);
      const encoded = /filename\*=UTF-8''([^;]+);/.exec(disposition)![1]!;
      const decoded = decodeURIComponent(encoded);
      expect([...decoded].length).toBe(100);
      expect(decoded.startsWith('éééé')).toBe(true);
      expect(decoded.endsWith('….jpeg')).toBe(true);
      expect(disposition.endsWith('.jpeg"')).toBe(true);
      await dl.arrayBuffer();
    }
  });

  it('leaves a short name as it was', async () => {
    const res = await upload(server, 'names', [{ name: 'plain name.jpg', bytes: await jpeg(8) }]);
    const dl = await download(res.json.items[0].hash);
    expect(dl.headers.get('content-disposition')).toBe('attachment; filename="plain name.jpg"');
  });
});
