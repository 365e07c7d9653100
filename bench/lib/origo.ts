// An origo child on a fresh temp data folder, and the few API calls the
// benchmarks need, over node:http.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { type Child, startChild } from './proc.ts';

export const ROOT_KEY = 'bench-root-key-0123456789abcdef';
export const ORG = 'bench';
export const AUTH = { 'api-key': ROOT_KEY };
/** The Node flags `npm start` gives origo (packages/server/package.json), so the bench runs what users run. */
export const ORIGO_NODE_FLAGS = (process.env['BENCH_ORIGO_NODE_FLAGS'] ?? '--initial-heap-size=256')
  .split(' ')
  .filter((f) => f !== '');

/** Everything to remove when the run ends, even on Ctrl-C or an error. */
const cleanups = new Set<() => void>();
export function atExit(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
export function runCleanups(): void {
  for (const fn of [...cleanups].reverse()) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  atExit(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Origo {
  child: Child;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts origo (production defaults unless `env` says otherwise) and creates the organization ORG. */
export async function startOrigo(env: Record<string, string> = {}): Promise<Origo> {
  const dataDir = tempDir('origo-bench-');
  const child = await startChild(
    'origo',
    'server-proc.ts',
    {
      ORIGO_DATA_DIR: dataDir,
      ORIGO_ROOT_KEY: ROOT_KEY,
      ORIGO_LOG_LEVEL: 'info',
      ...env,
    },
    60_000,
    ORIGO_NODE_FLAGS,
  );
  const unregister = atExit(() => child.proc.kill('SIGKILL'));
  const res = await request(child.url, 'PUT', `/organizations/${ORG}`, {
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ billing_email: 'bench@example.com', display_name: 'bench' })),
  });
  if (res.status !== 200) throw new Error(`creating organization: ${res.status} ${res.body.toString()}`);
  return {
    child,
    dataDir,
    async close() {
      await child.stop();
      unregister();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a fresh connection; the body is a Buffer or an async source of chunks. */
export function request(
  base: string,
  method: string,
  pathname: string,
  init: {
    headers?: Record<string, string | number>;
    body?: Buffer | { length: number; chunks: AsyncIterable<Buffer> };
  } = {},
): Promise<Response> {
  const u = new URL(pathname, base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body) headers['content-length'] = init.body.length;
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = init.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      (async () => {
        for await (const chunk of body.chunks) {
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })().catch((err: unknown) => req.destroy(err as Error));
    }
  });
}

/** Uploads one file as multipart/form-data built around `bytes`. */
export async function uploadBuffer(
  base: string,
  frame: { head: Buffer; tail: Buffer; contentType: string },
  bytes: Buffer,
): Promise<Response> {
  return request(base, 'POST', `/sourceimages/${ORG}`, {
    headers: { ...AUTH, 'content-type': frame.contentType },
    body: Buffer.concat([frame.head, bytes, frame.tail]),
  });
}

export function json<T = Record<string, unknown>>(res: Response): T {
  return JSON.parse(res.body.toString('utf8')) as T;
}
