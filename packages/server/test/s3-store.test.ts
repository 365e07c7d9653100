// origo over HTTP with its blobs in S3: what a user sees is the same as with
// files (bytes, HEAD, ranges, the sweep), and a store that refuses or cannot
// be reached is a 503 ORIGO_ERR_STORAGE_UNAVAILABLE that leaves nothing behind.

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { sweep } from '../src/service/sweep.ts';
import { S3BlobStore, type S3BlobStoreOptions } from '../src/storage/blobs/s3.ts';
import { openStorage } from '../src/storage/index.ts';
import { imageCount } from './catalog-rows.ts';
import { api, createOrg, expectError, png, ROOT_KEY, sha1, startServer, type TestServer, upload } from './helpers.ts';
import {
  bareClient,
  ensureBucket,
  freshPrefix,
  keysUnder,
  removeUnder,
  s3Configured,
  s3Env,
  s3Settings,
} from './s3-env.ts';

const DAY = 24 * 3600 * 1000;

/** An origo whose blob store is `options` opened without the start check, so each fault shows on a request. */
function startOnStore(options: S3BlobStoreOptions): Promise<TestServer> {
  return startServer({}, { blobs: () => S3BlobStore.open({ ...options, checkBucket: false }) });
}

const stagedFiles = (server: TestServer) => readdirSync(path.join(server.dataDir, 'tmp'));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

describe('an S3 store that cannot be reached', () => {
  let endpoint: string;
  beforeAll(async () => {
    endpoint = `http://127.0.0.1:${await closedPort()}`;
  });
  const options = () => ({
    endpoint,
    bucket: 'origo-images',
    region: 'us-east-1',
    accessKeyId: 'test-access-key',
    secretAccessKey: 'test-secret-key',
    forcePathStyle: true,
    prefix: '',
    maxAttempts: 1,
  });

  it('stops origo at start with a message naming ORIGO_S3_ENDPOINT', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-s3-start-'));
    try {
      const config = loadConfig({
        ORIGO_DATA_DIR: dataDir,
        ORIGO_S3_ENDPOINT: endpoint,
        ORIGO_S3_BUCKET: 'origo-images',
        ORIGO_S3_ACCESS_KEY_ID: 'test-access-key',
        ORIGO_S3_SECRET_ACCESS_KEY: 'test-secret-key',
      });
      await expect(openStorage(config)).rejects.toThrow(
        /cannot reach the S3 store \(bucket "origo-images" at http:\/\/127\.0\.0\.1:\d+, ORIGO_S3_ENDPOINT\): ECONNREFUSED/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers an upload 503 ORIGO_ERR_STORAGE_UNAVAILABLE, with no row and no staged file left', async () => {
    const server = await startOnStore(options());
    try {
      await createOrg(server, 'acme');
      const res = await upload(server, 'acme', [{ name: 'a.png', bytes: await png(1) }]);
      expectError(res, 503, 'ORIGO_ERR_STORAGE_UNAVAILABLE', 'ORIGO_S3_ENDPOINT', 'ECONNREFUSED', 'changed nothing');
      expect(await imageCount(server, 'acme')).toBe(0);
      expect(stagedFiles(server)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

// Only with a real S3 server (`npm run test:scale-out` sets ORIGO_TEST_S3_*).
describe.skipIf(!s3Configured)('origo on S3 (ORIGO_TEST_S3_*)', () => {
  const prefix = freshPrefix('http');
  const client = s3Configured ? bareClient() : undefined;
  let server: TestServer;

  beforeAll(async () => {
    await ensureBucket(client!);
    server = await startServer(s3Env(prefix));
    await createOrg(server, 'acme');
  });
  afterAll(async () => {
    await server?.close();
    await removeUnder(client!, prefix);
    client?.destroy();
  });

  it('stores the bytes in the bucket, serves them whole, by HEAD and by range, and the sweep removes them', async () => {
    const bytes = await png(7, 300, 200);
    const created = await upload(server, 'acme', [{ name: 'seven.png', bytes }]);
    expect(created.status).toBe(200);
    const { hash, binary_hash: binaryHash } = created.json.items[0];
    expect(binaryHash).toBe(sha1(bytes));

    // The blob is an object under the prefix, not a file in the data folder.
    const keys = await keysUnder(client!, prefix);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.startsWith(`${prefix}${binaryHash}-`)).toBe(true);
    expect(existsSync(path.join(server.dataDir, 'blobs'))).toBe(false);
    expect(readdirSync(path.join(server.dataDir, 'tmp'))).toEqual([]);

    const url = `${server.url}/sourceimages/acme/${hash}/download`;
    const whole = await fetch(url, { headers: { 'api-key': ROOT_KEY } });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const head = await fetch(url, { method: 'HEAD', headers: { 'api-key': ROOT_KEY } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));

    const part = await fetch(url, { headers: { 'api-key': ROOT_KEY, range: 'bytes=10-109' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-109/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 110))).toBe(true);

    expect((await api(server, 'DELETE', `/sourceimages/acme/${hash}`)).status).toBe(204);
    server.advanceClock(31 * DAY);
    expect(await sweep(server.deps)).toEqual({ purgedImages: 1, removedBlobs: 1, removedBytes: bytes.length });
    expect(await keysUnder(client!, prefix)).toEqual([]);
    expect((await api(server, 'GET', `/sourceimages/acme/${hash}?deleted=true`)).status).toBe(404);
  });

  it('refuses to start with a wrong secret, naming ORIGO_S3_SECRET_ACCESS_KEY', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-s3-start-'));
    try {
      const config = loadConfig({
        ORIGO_DATA_DIR: dataDir,
        ...s3Env(prefix, { ORIGO_S3_SECRET_ACCESS_KEY: 'not-the-secret' }),
      });
      await expect(openStorage(config)).rejects.toThrow(/refused the secret key \(ORIGO_S3_SECRET_ACCESS_KEY\)/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers an upload with a wrong secret 503 ORIGO_ERR_STORAGE_UNAVAILABLE and stores nothing', async () => {
    const refused = await startOnStore({ ...s3Settings(), secretAccessKey: 'not-the-secret', prefix });
    try {
      await createOrg(refused, 'acme');
      const res = await upload(refused, 'acme', [{ name: 'b.png', bytes: await png(2) }]);
      expectError(res, 503, 'ORIGO_ERR_STORAGE_UNAVAILABLE', 'refused the secret key', 'ORIGO_S3_SECRET_ACCESS_KEY');
      expect(await imageCount(refused, 'acme')).toBe(0);
      expect(stagedFiles(refused)).toEqual([]);
      expect(await keysUnder(client!, prefix)).toEqual([]);
    } finally {
      await refused.close();
    }
  });

  it('answers 503 while the bucket is missing, stores the next upload once it exists, and 503 again when it is gone', async () => {
    const bucket = `origo-test-late-${randomBytes(4).toString('hex')}`;
    const late = await startOnStore({ ...s3Settings(), bucket, prefix: '' });
    try {
      await createOrg(late, 'acme');
      const bytes = await png(3);
      const missing = await upload(late, 'acme', [{ name: 'c.png', bytes }]);
      expectError(missing, 503, 'ORIGO_ERR_STORAGE_UNAVAILABLE', `bucket "${bucket}"`, 'ORIGO_S3_BUCKET');
      expect(await imageCount(late, 'acme')).toBe(0);

      await client!.send(new CreateBucketCommand({ Bucket: bucket }));
      const stored = await upload(late, 'acme', [{ name: 'c.png', bytes }]);
      expect(stored.status).toBe(200);
      const download = await fetch(`${late.url}/sourceimages/acme/${stored.json.items[0].hash}/download`, {
        headers: { 'api-key': ROOT_KEY },
      });
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

      // The bucket going away is the store's fault, not a missing blob of this image.
      await removeUnder(client!, '', bucket);
      await client!.send(new DeleteBucketCommand({ Bucket: bucket }));
      const gone = await api(late, 'GET', `/sourceimages/acme/${stored.json.items[0].hash}/download`);
      expectError(gone, 503, 'ORIGO_ERR_STORAGE_UNAVAILABLE', `bucket "${bucket}"`, 'ORIGO_S3_BUCKET');
    } finally {
      await late.close();
      await removeUnder(client!, '', bucket).catch(() => undefined);
      await client!.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    }
  });
});
