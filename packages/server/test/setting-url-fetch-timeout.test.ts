// ORIGO_URL_FETCH_TIMEOUT_SECONDS over HTTP: a url[i] upload from a server
// that never answers, or stops in the middle of its body, is refused with
// REMOTE_FETCH_FAILED once the deadline passes; nothing of the request stays
// and origo hangs up on the remote.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, expectError, form, png, startServer, type TestServer } from './helpers.ts';
import { until } from './raw-http.ts';
import { blobFiles } from './stored-blobs.ts';

let server: TestServer;
let remote: http.Server;
let remoteUrl: string;
/** Each request the remote got, and whether its connection has closed. */
const arrivals: { url: string; closed: boolean }[] = [];
let picture: Buffer;

beforeAll(async () => {
  picture = await png(7, 64, 64);
  remote = http.createServer((req, res) => {
    const socket: Socket = req.socket;
    const arrival = { url: req.url ?? '', closed: false };
    arrivals.push(arrival);
    socket.once('close', () => {
      arrival.closed = true;
    });
    if (req.url === '/half.png') {
      // The head and half the bytes, then nothing more.
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(picture.length) });
      res.write(picture.subarray(0, picture.length >> 1));
    }
    // Any other path: no answer at all.
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
  server = await startServer({ ORIGO_ALLOW_PRIVATE_URLS: 'true', ORIGO_URL_FETCH_TIMEOUT_SECONDS: '1' });
  await createOrg(server);
});
afterAll(async () => {
  await server.close();
  remote.closeAllConnections();
  await new Promise<void>((resolve) => remote.close(() => resolve()));
});

async function expectNothingStored(): Promise<void> {
  expect(await imageCount(server)).toBe(0);
  expect(await blobFiles(server)).toEqual({ blobs: [], temp: [] });
}

describe('ORIGO_URL_FETCH_TIMEOUT_SECONDS=1', () => {
  it.each([
    [
      'whose server never answers',
      '/silent.png',
      'url[0]',
      async () => form([], { 'url[0]': `${remoteUrl}/silent.png` }),
    ],
    [
      'whose body stops halfway, storing neither it nor the file sent with it',
      '/half.png',
      'url[1]',
      async () => form([{ name: 'first.png', bytes: await png(8) }], { 'url[1]': `${remoteUrl}/half.png` }),
    ],
  ])('refuses a URL %s, after the deadline, and hangs up', async (_what, remotePath, field, body) => {
    const started = Date.now();
    const res = await api(server, 'POST', '/sourceimages/acme', { body: await body() });
    const elapsed = Date.now() - started;
    expectError(res, 400, 'ORIGO_ERR_REMOTE_FETCH_FAILED');
    expect(res.json.message).toBe(
      `Could not fetch ${field} ${remoteUrl}${remotePath}: no complete answer within 1000 ms`,
    );
    // Not before the deadline; the upper bound is generous for a loaded machine (the default is 30 s).
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(15_000);
    const arrival = arrivals.find((a) => a.url === remotePath);
    expect(arrival).toBeDefined();
    await until(() => arrival?.closed === true, 'origo to hang up on the remote', 10_000);
    await expectNothingStored();
  });
});
