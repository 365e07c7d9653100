// One set of cases for the blob-store contract (storage/blobs/blob-store.ts),
// run over every backend: the file store always, S3 when a real server is
// given. What a caller relies on: exact bytes back (whole and ranged), the
// real size, a version, not-found as its own error, idempotent puts that
// leave the staged file to the caller, a put that repairs a blob of the
// wrong size, delete, and a complete list.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageStream } from '../../src/service/staging.ts';
import { BlobNotFoundError, type BlobStore, blobKey } from '../../src/storage/blobs/blob-store.ts';
import { FsBlobStore } from '../../src/storage/blobs/fs.ts';
import { S3BlobStore } from '../../src/storage/blobs/s3.ts';
import { bareClient, ensureBucket, freshPrefix, removeUnder, s3Configured, s3Settings } from '../s3-env.ts';

interface Backend {
  open(): Promise<BlobStore>;
  /** The version of a blob written as a multipart upload, where a store shows it (S3: an ETag ending in -<parts>). */
  multipartVersion?: RegExp;
  cleanUp(): Promise<void>;
}

const MB = 1024 * 1024;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const stagingDir = mkdtempSync(path.join(os.tmpdir(), 'origo-staging-'));
afterAll(() => rmSync(stagingDir, { recursive: true, force: true }));

/** Stages `bytes` as an upload would and puts them; returns the key. */
async function put(store: BlobStore, bytes: Buffer): Promise<string> {
  const staged = await stageStream(Readable.from([bytes]), stagingDir, 64 * MB, 'test blob');
  const key = blobKey(staged.sha1, staged.sha256);
  await store.put(key, staged);
  // The staged file is still the caller's, whole.
  expect(existsSync(staged.path)).toBe(true);
  rmSync(staged.path, { force: true });
  return key;
}

const keyOf = (bytes: Buffer) =>
  blobKey(createHash('sha1').update(bytes).digest('hex'), createHash('sha256').update(bytes).digest('hex'));

function conformance(name: string, backend: () => Backend) {
  describe(name, () => {
    let store: BlobStore;
    let current: Backend;

    beforeAll(async () => {
      current = backend();
      store = await current.open();
    });
    afterAll(async () => {
      await store?.close();
      await current?.cleanUp();
    });

    it('gives back exactly the committed bytes, whole and by range, with the real size and a version', async () => {
      const bytes = randomBytes(300_001);
      const key = await put(store, bytes);
      expect(key).toBe(keyOf(bytes));

      const whole = await store.get(key);
      expect(whole.size).toBe(300_001);
      expect(whole.version).toMatch(/\S/);
      expect((await bytesOf(whole.stream)).equals(bytes)).toBe(true);

      const part = await store.get(key, { start: 1000, end: 1999 });
      expect(part.size).toBe(300_001);
      expect(part.version).toBe(whole.version);
      expect((await bytesOf(part.stream)).equals(bytes.subarray(1000, 2000))).toBe(true);

      // A range running past the end gives the bytes there are.
      const tail = await store.get(key, { start: 300_000, end: 400_000 });
      expect((await bytesOf(tail.stream)).equals(bytes.subarray(300_000))).toBe(true);

      const stat = await store.head(key);
      expect(stat).toMatchObject({ size: 300_001, version: whole.version });
      expect(Math.abs(stat!.modifiedAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    });

    it('reads an empty blob, and a range past the end of a blob, as no bytes', async () => {
      const empty = await put(store, Buffer.alloc(0));
      const read = await store.get(empty);
      expect(read.size).toBe(0);
      expect(await bytesOf(read.stream)).toHaveLength(0);

      const key = await put(store, Buffer.from('twelve bytes'));
      const past = await store.get(key, { start: 12, end: 20 });
      expect(past.size).toBe(12);
      expect(await text(past.stream)).toBe('');
    });

    it('says BlobNotFoundError for a missing key, and head says undefined', async () => {
      const missing = keyOf(randomBytes(16));
      await expect(store.get(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.get(missing, { start: 0, end: 9 })).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await store.head(missing)).toBeUndefined();
    });

    it('takes the same key twice and keeps the bytes', async () => {
      const bytes = randomBytes(5000);
      const key = await put(store, bytes);
      expect(await put(store, bytes)).toBe(key);
      expect((await bytesOf((await store.get(key)).stream)).equals(bytes)).toBe(true);
    });

    it('replaces a stored blob of the wrong size when the same key is put again', async () => {
      const bytes = randomBytes(4000);
      const key = keyOf(bytes);
      // Damaged: the first half only, under the key of the whole.
      const staged = path.join(stagingDir, 'truncated');
      writeFileSync(staged, bytes.subarray(0, 2000));
      await store.put(key, { path: staged, size: 2000 });
      expect((await store.head(key))?.size).toBe(2000);
      expect(await put(store, bytes)).toBe(key);
      expect((await bytesOf((await store.get(key)).stream)).equals(bytes)).toBe(true);
    });

    it('replaces a stored blob of the right size but other bytes when the same key is put again', async () => {
      for (const length of [4000, 12 * MB]) {
        const bytes = randomBytes(length);
        const key = keyOf(bytes);
        const flipped = Buffer.from(bytes);
        flipped[length - 100]! ^= 0xff;
        const staged = path.join(stagingDir, 'flipped');
        writeFileSync(staged, flipped);
        await store.put(key, { path: staged, size: length });
        expect((await bytesOf((await store.get(key)).stream)).equals(flipped)).toBe(true);
        expect(await put(store, bytes)).toBe(key);
        expect((await bytesOf((await store.get(key)).stream)).equals(bytes)).toBe(true);
      }
    });

    it('deletes a blob; deleting one that is gone is no error', async () => {
      const key = await put(store, randomBytes(1000));
      await store.delete(key);
      expect(await store.head(key)).toBeUndefined();
      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await store.delete(key);
      expect(await store.head(key)).toBeUndefined();
    });

    it('lists every blob with its size, across pages', async () => {
      const written = new Map<string, number>();
      for (let i = 0; i < 7; i++) {
        const bytes = randomBytes(100 + i);
        written.set(await put(store, bytes), bytes.length);
      }
      const listed = new Map<string, number>();
      for await (const blob of store.list()) {
        expect(listed.has(blob.key)).toBe(false);
        listed.set(blob.key, blob.size);
      }
      for (const [key, size] of written) expect(listed.get(key)).toBe(size);
    });

    it('round-trips a 12 MiB blob', async () => {
      const bytes = randomBytes(12 * MB);
      const key = await put(store, bytes);
      const read = await store.get(key);
      expect(read.size).toBe(12 * MB);
      if (current.multipartVersion) expect(read.version).toMatch(current.multipartVersion);
      const back = await bytesOf(read.stream);
      expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      const part = await store.get(key, { start: 11 * MB - 3, end: 11 * MB + 4 });
      expect((await bytesOf(part.stream)).equals(bytes.subarray(11 * MB - 3, 11 * MB + 5))).toBe(true);
    });
  });
}

conformance('file blob store', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'origo-blobs-'));
  return {
    open: () => FsBlobStore.open(root),
    async cleanUp() {
      rmSync(root, { recursive: true, force: true });
    },
  };
});

// Only with a real S3 server (`npm run test:scale-out` sets ORIGO_TEST_S3_*);
// a plain `npm test` runs the file store alone.
describe.skipIf(!s3Configured)('S3 (ORIGO_TEST_S3_*)', () => {
  conformance('S3 blob store', () => {
    const prefix = freshPrefix('blob-store');
    return {
      async open() {
        const client = bareClient();
        await ensureBucket(client);
        client.destroy();
        // Small pages and parts, so a handful of blobs spans pages and 12 MiB is a multipart upload.
        return S3BlobStore.open({
          ...s3Settings(),
          prefix,
          listPageSize: 3,
          multipartThreshold: 8 * MB,
          partSize: 5 * MB,
        });
      },
      multipartVersion: /-3$/,
      async cleanUp() {
        const client = bareClient();
        await removeUnder(client, prefix);
        client.destroy();
      },
    };
  });
});
