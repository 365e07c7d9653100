// A real origo on a temp data folder, listening on a loopback port; its
// catalog and blobs on the storage this run gives (see test-storage.ts).

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import sharp from 'sharp';
import { expect } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { keyDigest } from '../src/service/auth.ts';
import type { ServiceDeps } from '../src/service/deps.ts';
import type { BlobStore } from '../src/storage/blobs/blob-store.ts';
import type { IndexRow } from '../src/storage/catalog/catalog.ts';
import { closeStorage, openStorage, type Storage } from '../src/storage/index.ts';
import { type StorageChoice, serverStorage } from './test-storage.ts';

export type { IndexRow };

export const ROOT_KEY = 'test-root-key-0123456789abcdef';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  storage: Storage;
  config: Config;
  deps: ServiceDeps;
  dataDir: string;
  /** The key prefix of its blobs in ORIGO_TEST_S3_BUCKET, when the run put them in S3 (see test-storage.ts). */
  s3Prefix?: string;
  /** The ORIGO_DATABASE_URL / ORIGO_S3_* this run added, for a child process (the CLI, a second node) on the same storage. */
  storageEnv: Record<string, string>;
  /** Shifts the server's clock, for restore-window tests. */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Fastify's logger option (default: no logging), e.g. a pino stream to capture the log. */
  logger?: FastifyServerOptions['logger'];
  /** An existing folder to use as the data folder (e.g. a small tmpfs); its contents are removed on close. */
  dataDir?: string;
  /** Runs on the built app before it listens (Fastify takes no routes after): e.g. a route only a test has. */
  beforeListen?: (app: FastifyInstance) => void;
  /** A blob store to use instead of the one the settings open (e.g. an S3 store with options no setting gives). */
  blobs?: (dataDir: string) => Promise<BlobStore>;
  /**
   * Stop the server's clock at its start, so only advanceClock moves it: for
   * tests of time-based limits that must not refill while a slow machine
   * sends the requests.
   */
  frozenClock?: boolean;
  /**
   * Which storage the server runs on (see test-storage.ts): by default the
   * PostgreSQL and S3 servers of this run when ORIGO_TEST_* names them, else
   * SQLite and files; 'embedded' for a test about those by nature.
   */
  storage?: StorageChoice;
  /** Where the built dashboard is, instead of packages/dashboard/dist. */
  dashboardDir?: string;
}

export async function startServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'origo-test-'));
  const backing = await serverStorage(env, options.storage ?? 'matrix', options.blobs !== undefined);
  const config = loadConfig({ ORIGO_DATA_DIR: dataDir, ORIGO_LOG_LEVEL: 'silent', ...backing.env, ...env });
  let storage: Storage;
  try {
    storage = await openStorage(config);
    if (options.blobs) {
      await storage.blobs.close();
      storage.blobs = await options.blobs(dataDir);
    }
  } catch (err) {
    await backing.remove();
    throw err;
  }
  let offset = 0;
  const frozenAt = Date.now();
  const now = options.frozenClock ? () => new Date(frozenAt + offset) : () => new Date(Date.now() + offset);
  const app = await buildApp({
    config,
    storage,
    rootKeyDigest: keyDigest(ROOT_KEY),
    now,
    logger: options.logger ?? false,
    ...(options.dashboardDir === undefined ? {} : { dashboardDir: options.dashboardDir }),
  });
  options.beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    storage,
    config,
    deps: app.deps,
    dataDir,
    ...(backing.s3Prefix !== undefined && { s3Prefix: backing.s3Prefix }),
    storageEnv: backing.env,
    advanceClock(ms) {
      offset += ms;
    },
    async close() {
      await app.close();
      await closeStorage(storage);
      await backing.remove();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      else for (const name of readdirSync(dataDir)) rmSync(path.join(dataDir, name), { recursive: true, force: true });
    },
  };
}

export interface ApiResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field.
  json: any;
}

/** Status, headers, the body as text and, when it parses, as JSON. */
export async function readResult(res: Response): Promise<ApiResult> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function api(
  server: TestServer,
  method: string,
  pathname: string,
  init: RequestInit = {},
): Promise<ApiResult> {
  const headers = new Headers(init.headers);
  if (!headers.has('api-key')) headers.set('api-key', ROOT_KEY);
  return readResult(await fetch(server.url + pathname, { ...init, method, headers }));
}

/** An error answer in rokka's shape, with origo's code, whose message mentions each of `mentions`. */
export function expectError(res: ApiResult, status: number, origoCode: string, ...mentions: string[]): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.json).toMatchObject({ error: { code: status, origo_code: origoCode }, code: status });
  expect(res.json.message).toBe(res.json.error.message);
  for (const m of mentions) expect(res.json.message).toContain(m);
}

/** The hashes of a listing's items, in order. */
export const hashesOf = (res: ApiResult): string[] => res.json.items.map((i: { hash: string }) => i.hash);

/** sha1 in hex, computed here rather than with the server's own helper, as an independent check. */
export const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

export async function createOrg(server: TestServer, name = 'acme'): Promise<void> {
  const res = await api(server, 'PUT', `/organizations/${name}`, {
    body: JSON.stringify({ billing_email: 'ops@example.com', display_name: name }),
  });
  if (res.status !== 200) throw new Error(`creating org ${name}: ${res.status} ${res.text}`);
}

/** A small JPEG whose bytes depend on `seed`, so different seeds make different images. */
export async function jpeg(seed = 0, width = 32, height = 24): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: seed % 256, g: (seed >> 8) % 256, b: 128 } },
  })
    .jpeg()
    .toBuffer();
}

/** A lossless PNG whose first pixels carry `seed`, so every seed gives different bytes. */
export function uniquePng(seed: number, width = 200, height = 100, fill = 90): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3, fill);
  pixels.writeUInt32BE(seed >>> 0, 0);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** php_serialize of {subject_area: {x:10, y:10, width:20, height:20}}, written out by hand. */
export const SUBJECT_10_20 =
  'a:1:{s:12:"subject_area";a:4:{s:6:"height";i:20;s:5:"width";i:20;s:1:"x";i:10;s:1:"y";i:10;}}';
export const AREA_10_20 = { x: 10, y: 10, width: 20, height: 20 };

export async function png(seed = 0, width = 16, height = 16, alpha = false): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: alpha ? 4 : 3,
      background: { r: seed % 256, g: 10, b: 20, alpha: alpha ? 0.5 : 1 },
    },
  })
    .png()
    .toBuffer();
}

export function form(
  files: { field?: string; name: string; bytes: Buffer; type?: string }[],
  fields: Record<string, string> = {},
): FormData {
  const fd = new FormData();
  for (const f of files)
    fd.append(
      f.field ?? 'filedata',
      new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }),
      f.name,
    );
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

export async function upload(
  server: TestServer,
  org: string,
  files: { field?: string; name: string; bytes: Buffer }[],
  fields: Record<string, string> = {},
) {
  return api(server, 'POST', `/sourceimages/${org}`, { body: form(files, fields) });
}
