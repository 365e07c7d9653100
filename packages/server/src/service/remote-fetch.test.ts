import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress } from './remote-addresses.ts';
import { fetchRemote, type RemoteFetchOptions } from './remote-fetch.ts';
import { checkRemoteUrl } from './remote-url.ts';

const PAYLOAD = randomBytes(200_000);
const seen: string[] = [];
const headersSeen = new Map<string, http.IncomingHttpHeaders>();
const closedRequests = new Set<string>();

let server: http.Server;
let port = 0;
let base = '';

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = req.url ?? '/';
  seen.push(path);
  headersSeen.set(path, req.headers);
  res.on('error', () => {});
  res.on('close', () => closedRequests.add(path));

  if (path.startsWith('/files/')) {
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': PAYLOAD.length });
    res.end(PAYLOAD);
    return;
  }
  if (path === '/') {
    res.writeHead(200, { 'Content-Length': 3 });
    res.end('abc');
    return;
  }
  const hops = /^\/hops\/(\d+)$/.exec(path);
  if (hops) {
    const left = Number(hops[1]);
    res.writeHead(302, { Location: left > 0 ? `/hops/${left - 1}` : '/files/final%20name.png?x=1' });
    res.end();
    return;
  }
  switch (path) {
    case '/relative/deep/start':
      res.writeHead(301, { Location: '../../files/rel.gif' });
      res.end('moved');
      return;
    case '/absolute-redirect':
      res.writeHead(307, { Location: `${base}/files/abs.webp` });
      res.end();
      return;
    case '/loop':
      res.writeHead(308, { Location: '/loop' });
      res.end();
      return;
    case '/no-location':
      res.writeHead(302);
      res.end();
      return;
    case '/to-ftp':
      res.writeHead(302, { Location: 'ftp://example.com/x.jpg' });
      res.end();
      return;
    case '/to-file':
      res.writeHead(303, { Location: 'file:///etc/passwd' });
      res.end();
      return;
    case '/to-missing':
      res.writeHead(302, { Location: '/missing.jpg' });
      res.end();
      return;
    case '/missing.jpg':
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not here');
      return;
    case '/error':
      res.writeHead(500);
      res.end();
      return;
    case '/hang':
      return; // never answers
    case '/slow-body':
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write(Buffer.alloc(10)); // then nothing more
      return;
    case '/big-declared':
      res.writeHead(200, { 'Content-Length': 5000 });
      res.end(Buffer.alloc(5000));
      return;
    case '/big-chunked':
      res.writeHead(200, { 'Content-Type': 'image/png' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(16 * 1024, i));
      res.end();
      return;
    case '/exact-chunked':
      res.writeHead(200);
      res.write(Buffer.alloc(600, 1));
      res.end(Buffer.alloc(400, 2));
      return;
    case '/cut-short':
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write(Buffer.alloc(100), () => res.socket?.destroy());
      return;
    case '/endless':
      res.writeHead(200);
      res.write(Buffer.alloc(1024));
      return;
    default:
      res.writeHead(500);
      res.end();
  }
}

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function options(overrides: Partial<RemoteFetchOptions> = {}): RemoteFetchOptions {
  return {
    allowPrivateAddresses: true,
    timeoutMs: 5000,
    maxBytes: 1_000_000,
    maxRedirects: 5,
    label: 'url[0]',
    ...overrides,
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('fetchRemote against a local server', () => {
  it('streams the body byte for byte and names the file after the decoded path', async () => {
    const res = await fetchRemote(`${base}/files/a%20cat%C3%A9.jpg?token=1`, options());
    expect(res.filename).toBe('a caté.jpg');
    expect(res.contentLength).toBe(PAYLOAD.length);
    const bytes = await readAll(res.body);
    expect(bytes.equals(PAYLOAD)).toBe(true);
  });

  it('sends the origo User-Agent and Accept headers', async () => {
    const res = await fetchRemote(`${base}/files/headers.jpg`, options());
    await readAll(res.body);
    const headers = headersSeen.get('/files/headers.jpg');
    expect(headers?.['user-agent']).toBe('origo');
    expect(headers?.accept).toBe('image/*,*/*;q=0.5');
  });

  it("falls back to 'image' when the path has no last segment", async () => {
    const res = await fetchRemote(`${base}/`, options());
    expect(res.filename).toBe('image');
    expect((await readAll(res.body)).toString()).toBe('abc');
  });

  it('follows redirects and names the file after the final URL', async () => {
    const res = await fetchRemote(`${base}/hops/3`, options());
    expect(res.filename).toBe('final name.png');
    expect((await readAll(res.body)).equals(PAYLOAD)).toBe(true);
  });

  it('resolves relative and absolute Location headers', async () => {
    const rel = await fetchRemote(`${base}/relative/deep/start`, options());
    expect(rel.filename).toBe('rel.gif');
    await readAll(rel.body);
    const abs = await fetchRemote(`${base}/absolute-redirect`, options());
    expect(abs.filename).toBe('abs.webp');
    await readAll(abs.body);
  });

  it('allows exactly maxRedirects redirects and refuses one more', async () => {
    const ok = await fetchRemote(`${base}/hops/4`, options({ maxRedirects: 5 }));
    await readAll(ok.body);
    await expect(fetchRemote(`${base}/hops/5`, options({ maxRedirects: 5 }))).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: expect.stringContaining('too many redirects'),
    });
  });

  it('gives up on a redirect loop', async () => {
    await expect(fetchRemote(`${base}/loop`, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: expect.stringMatching(/^Could not fetch url\[0\] http:\/\/127\.0\.0\.1:\d+\/loop .*too many redirects/),
    });
  });

  it('fails on a redirect without Location', async () => {
    await expect(fetchRemote(`${base}/no-location`, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: expect.stringContaining('302 without a Location'),
    });
  });

  it('checks the scheme of every redirect hop', async () => {
    await expect(fetchRemote(`${base}/to-ftp`, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_BAD_URL',
    });
    await expect(fetchRemote(`${base}/to-file`, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_BAD_URL',
    });
  });

  it('fails on a non-2xx status and names it', async () => {
    const url = `${base}/missing.jpg`;
    await expect(fetchRemote(url, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: `Could not fetch url[0] ${url}: the server answered 404`,
    });
    await expect(fetchRemote(`${base}/error`, options({ label: 'url[3]' }))).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: expect.stringMatching(/^Could not fetch url\[3\] .*answered 500$/),
    });
  });

  it('names the original URL and the hop when a redirect target fails', async () => {
    const url = `${base}/to-missing`;
    await expect(fetchRemote(url, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: `Could not fetch url[0] ${url} (redirected to ${base}/missing.jpg): the server answered 404`,
    });
  });

  it('times out when the server never answers', async () => {
    const started = Date.now();
    await expect(fetchRemote(`${base}/hang`, options({ timeoutMs: 300 }))).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: expect.stringContaining('within 300 ms'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await waitFor(() => closedRequests.has('/hang'));
  });

  it('times out mid-body and errors the stream', async () => {
    const res = await fetchRemote(`${base}/slow-body`, options({ timeoutMs: 300 }));
    await expect(readAll(res.body)).rejects.toMatchObject({ code: 'ORIGO_ERR_REMOTE_FETCH_FAILED' });
    await waitFor(() => closedRequests.has('/slow-body'));
  });

  it('refuses up front when Content-Length is over maxBytes', async () => {
    await expect(fetchRemote(`${base}/big-declared`, options({ maxBytes: 4999 }))).rejects.toMatchObject({
      code: 'ORIGO_ERR_UPLOAD_TOO_LARGE',
    });
    const ok = await fetchRemote(`${base}/big-declared`, options({ maxBytes: 5000 }));
    expect((await readAll(ok.body)).length).toBe(5000);
  });

  it('errors the stream when a chunked body grows over maxBytes', async () => {
    const res = await fetchRemote(`${base}/big-chunked`, options({ maxBytes: 100_000 }));
    expect(res.contentLength).toBeUndefined();
    await expect(readAll(res.body)).rejects.toMatchObject({ code: 'ORIGO_ERR_UPLOAD_TOO_LARGE' });
    await waitFor(() => closedRequests.has('/big-chunked'));
  });

  it('accepts a chunked body of exactly maxBytes', async () => {
    const res = await fetchRemote(`${base}/exact-chunked`, options({ maxBytes: 1000 }));
    const bytes = await readAll(res.body);
    expect(bytes.length).toBe(1000);
  });

  it('errors the stream when the connection drops mid-body', async () => {
    const res = await fetchRemote(`${base}/cut-short`, options());
    await expect(readAll(res.body)).rejects.toMatchObject({ code: 'ORIGO_ERR_REMOTE_FETCH_FAILED' });
  });

  it('cleans up a body the caller never reads, without an unhandled error', async () => {
    const res = await fetchRemote(`${base}/slow-body`, options({ timeoutMs: 200 }));
    await waitFor(() => res.body.destroyed);
    expect(res.body.errored).toMatchObject({ code: 'ORIGO_ERR_REMOTE_FETCH_FAILED' });
  });

  it('closes the connection when the caller destroys the body early', async () => {
    const res = await fetchRemote(`${base}/endless`, options());
    res.body.destroy();
    await waitFor(() => closedRequests.has('/endless'));
  });

  it('fails when the connection is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchRemote(`http://127.0.0.1:${deadPort}/x.jpg`, options())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FETCH_FAILED',
      message: expect.stringContaining('refused'),
    });
  });
});

describe('fetchRemote with private addresses forbidden (the default)', () => {
  const strict = (): RemoteFetchOptions => options({ allowPrivateAddresses: false });

  it.each([
    'http://127.0.0.1:PORT/files/x.jpg',
    'http://localhost:PORT/files/localhost.jpg',
    'http://[::1]:PORT/files/x.jpg',
    'http://2130706433/files/x.jpg',
    'http://0x7f.1/files/x.jpg',
    'http://127.1/files/x.jpg',
    'http://0/files/x.jpg',
    'http://[::ffff:127.0.0.1]/files/x.jpg',
    'http://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/x.jpg',
  ])('refuses %s before any request is sent', async (template) => {
    const before = seen.length;
    await expect(fetchRemote(template.replace('PORT', String(port)), strict())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_FORBIDDEN_ADDRESS',
      message: expect.stringMatching(/^Refusing to fetch url\[0\] /),
    });
    expect(seen.length).toBe(before);
  });

  it('names the resolved address when a host name is refused', async () => {
    await expect(fetchRemote(`http://localhost:${port}/a.jpg`, strict())).rejects.toMatchObject({
      message: expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1)/),
    });
  });

  it.each(['ftp://x', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'not a url', '', 'http://'])(
    'refuses the malformed or non-http URL %j',
    async (url) => {
      await expect(fetchRemote(url, strict())).rejects.toMatchObject({ code: 'ORIGO_ERR_REMOTE_BAD_URL' });
    },
  );

  it('refuses credentials in the URL without echoing the password', async () => {
    const err = await fetchRemote('http://user:pw@host/', strict()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ORIGO_ERR_REMOTE_BAD_URL' });
    expect((err as Error).message).toContain('user name or password');
    expect((err as Error).message).not.toContain(':pw@');
    await expect(fetchRemote('https://user@host/', strict())).rejects.toMatchObject({
      code: 'ORIGO_ERR_REMOTE_BAD_URL',
    });
  });
});

describe('checkRemoteUrl (the per-hop check)', () => {
  const strict = { allowPrivateAddresses: false, label: 'url[0]' };
  const lax = { allowPrivateAddresses: true, label: 'url[0]' };

  it.each([
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:192.168.1.1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://0177.0.0.1/',
    'http://0x7f000001/',
    'http://127.0.0.1./',
    'http://192.168.0.10:8080/x',
    'http://172.31.255.255/',
    'http://100.64.0.1/',
    'http://198.19.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
  ])('refuses the literal address in %s', (url) => {
    expect(() => checkRemoteUrl(url, strict)).toThrow(
      expect.objectContaining({ code: 'ORIGO_ERR_REMOTE_FORBIDDEN_ADDRESS' }),
    );
    expect(checkRemoteUrl(url, lax)).toBeInstanceOf(URL);
  });

  it.each([
    'http://8.8.8.8/x.jpg',
    'https://[2606:4700::1111]/x.jpg',
    'https://example.com/cat.jpg',
    'http://172.32.0.1/',
  ])('lets %s through (host names are checked at lookup time)', (url) => {
    expect(checkRemoteUrl(url, strict).href).toBe(new URL(url).href);
  });

  it.each(['ftp://x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://user:pw@host/', 'https://u@host/', '::'])(
    'refuses %s as a bad URL even when private addresses are allowed',
    (url) => {
      expect(() => checkRemoteUrl(url, lax)).toThrow(expect.objectContaining({ code: 'ORIGO_ERR_REMOTE_BAD_URL' }));
    },
  );
});

describe('isForbiddenAddress', () => {
  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.0',
    '100.127.255.255',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.1',
    '192.168.0.1',
    '192.168.255.255',
    '198.18.0.1',
    '198.19.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::127.0.0.1',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf:ffff::1',
    'fec0::1',
    'ff02::1',
    'ff05::1:3',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:10.1.2.3',
    '::ffff:169.254.169.254',
    '::ffff:0:192.168.1.1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::1',
    '2001:db8::1',
    '2001:0db8:ffff::1',
    '2002:7f00:1::1',
    '2002:c0a8:101::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '100::1',
    // Not IP addresses at all: fail closed.
    'localhost',
    '',
    '127.1',
    '1.2.3.4.5',
    '::ffff:999.1.1.1',
  ])('forbids %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.1',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.1',
    '169.253.255.255',
    '169.255.0.1',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.1',
    '192.0.2.1',
    '192.167.255.255',
    '192.169.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '93.184.216.34',
    '2606:4700::1111',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
    '2001:db9::1',
    'fbff::1',
    'fe7f::1',
  ])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});
