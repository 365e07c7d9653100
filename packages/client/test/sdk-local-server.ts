// A tiny node:http server that answers as a test scripts it, and records
// every request (method, path, headers, body), for transport tests.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface LocalServer {
  url: string;
  requests: SeenRequest[];
  /** Resolves when the server has received its `count`-th request. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** `answer` gets each request with its body read and its index (0 first); it may leave the response open. */
export async function localServer(
  answer: (request: SeenRequest, response: ServerResponse, index: number) => void,
): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(seen);
      for (const waiter of waiters.filter((w) => w.count <= requests.length)) waiter.resolve();
      answer(seen, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no port');
  const { port } = address;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received: (count) =>
      count <= requests.length ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A source image as origo answers it, for a scripted answer; `hash` one hex digit repeated reads well in failures. */
export function sourceImageJson(hash: string) {
  return {
    hash,
    short_hash: hash.slice(0, 6),
    binary_hash: 'b'.repeat(40),
    organization: 'acme',
    name: 'x.png',
    format: 'png',
    mimetype: 'image/png',
    size: 10,
    width: 1,
    height: 1,
    created: '2026-01-01T00:00:00+00:00',
    link: `/sourceimages/acme/${hash}`,
    protected: false,
    locked: false,
    opaque: true,
    animated: false,
    deleted: false,
  };
}
