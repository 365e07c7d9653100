// A client that goes away in the middle of an upload leaves nothing behind:
// no row, no blob, no temp file; and the server keeps serving.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { closingBoundary, filePart, oneFileBody } from './fixtures.ts';
import { api, createOrg, jpeg, ROOT_KEY, startServer, type TestServer, upload } from './helpers.ts';
import { blobFiles, stagedFiles } from './stored-blobs.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
});
afterAll(() => server.close());

const BOUNDARY = 'DisconnectBoundary42';

/**
 * Sends the request head (announcing the whole body) and `sent` of the body,
 * waits until the server has had time to start staging, then destroys the socket.
 */
async function sendAndVanish(whole: Buffer, sent: Buffer): Promise<void> {
  const { hostname, port } = new URL(server.url);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let answered = false;
  socket.on('data', () => {
    answered = true;
  });
  socket.write(
    `POST /sourceimages/acme HTTP/1.1\r\nHost: ${hostname}:${port}\r\nApi-Key: ${ROOT_KEY}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${whole.length}\r\n\r\n`,
  );
  await new Promise<void>((resolve) => socket.write(sent, () => resolve()));
  // Wait until a temp file exists: the server is inside the upload when the client leaves.
  await until(() => stagedFiles(server).length > 0, 'a staged temp file to appear');
  expect(answered).toBe(false);
  socket.destroy();
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function expectNothingLeft(): Promise<void> {
  // The server notices the closed socket asynchronously: give it a moment.
  await until(() => stagedFiles(server).length === 0, 'the temp folder to be empty');
  expect(await imageCount(server, 'acme')).toBe(0);
  expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
}

describe('client disconnecting mid-upload', () => {
  it('leaves no row, no blob and no temp file when it leaves half-way through a file', async () => {
    const bytes = await jpeg(1, 400, 300);
    const whole = oneFileBody(BOUNDARY, 'gone.jpg', bytes);
    await sendAndVanish(whole, whole.subarray(0, Math.floor(whole.length / 2)));
    await expectNothingLeft();
  });

  it('leaves nothing when it leaves during the second file, after the first was complete', async () => {
    const first = await jpeg(2, 200, 150);
    const second = await jpeg(3, 400, 300);
    const part1 = filePart(BOUNDARY, 'one.jpg', first);
    const part2 = filePart(BOUNDARY, 'two.jpg', second);
    const whole = Buffer.concat([part1, part2, closingBoundary(BOUNDARY)]);
    await sendAndVanish(whole, whole.subarray(0, part1.length + Math.floor(part2.length / 2)));
    await expectNothingLeft();
  });

  it('still serves the next requests', async () => {
    const bytes = await jpeg(4);
    const res = await upload(server, 'acme', [{ name: 'after.jpg', bytes }]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.items[0].name).toBe('after.jpg');
    expect((await api(server, 'GET', `/sourceimages/acme/${res.json.items[0].hash}`)).status).toBe(200);
    expect(await imageCount(server, 'acme')).toBe(1);
    expect(await blobFiles(server)).toEqual({ blobs: [expect.any(String)], temp: [] });
  });
});
