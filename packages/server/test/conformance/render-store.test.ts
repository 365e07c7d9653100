// One set of cases for the render-store contract (storage/renders/render-store.ts),
// run over every backend: the file store always, S3 when a real server is
// given. What rendering relies on: exact bytes back, a replace that readers
// see whole or not at all, undefined for a render never stored, removal by
// prefix that counts and stops at the prefix, and keys checked before any
// path or object name is made of them.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/storage/blobs/s3.ts';
import { FsRenderStore } from '../../src/storage/renders/fs.ts';
import type { RenderStore } from '../../src/storage/renders/render-store.ts';
import { S3RenderStore } from '../../src/storage/renders/s3.ts';
import { bareClient, ensureBucket, freshPrefix, removeUnder, s3Configured, s3Settings, s3TestEnv } from '../s3-env.ts';

interface Backend {
  open(): Promise<RenderStore>;
  cleanUp(): Promise<void>;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HASH_A = 'a'.repeat(40);
const HASH_B = 'b'.repeat(40);
/** A render key of `org`'s image `hash`; `n` makes the digest. */
const keyOf = (org: string, hash: string, n: number, ext = 'jpg') =>
  `${org}/${hash}/${n.toString(16).padStart(16, '0')}.${ext}`;

const BAD_KEYS = [
  '',
  '../acme/aaaaaa/0123456789abcdef.jpg',
  '/acme/aaaaaa/0123456789abcdef.jpg',
  'acme/../aaaaaa/0123456789abcdef.jpg',
  'acme/aaaaaa/../../../etc/passwd.jpg',
  'acme/aaaaaa/..',
  'Acme/aaaaaa/0123456789abcdef.jpg',
  'acme/AAAAAA/0123456789abcdef.jpg',
  'acme/aaaaaz/0123456789abcdef.jpg',
  'acme/aaaaaa/0123456789abcdef',
  'acme/aaaaaa/0123456789abcdef.j/pg',
  'acme/aaaaaa/0123456789abcdef.jpg/',
  'acme/aaaaaa/sub/0123456789abcdef.jpg',
  'acme\\aaaaaa\\0123456789abcdef.jpg',
  'acme/aaaaaa/0123456789abcdef.jpg\u0000',
  '.tmp/aaaaaa/0123456789abcdef.jpg',
  '-acme/aaaaaa/0123456789abcdef.jpg',
];
const BAD_PREFIXES = ['', '/', '../', 'acme', 'acme/aaaaaa', 'acme//', '/acme/', 'acme/../', '.tmp/', 'acme/xyz123/'];

function conformance(name: string, backend: () => Backend) {
  describe(name, () => {
    let store: RenderStore;
    let current: Backend;

    beforeAll(async () => {
      current = backend();
      store = await current.open();
    });
    afterAll(async () => {
      await store?.close();
      await current?.cleanUp();
    });

    it('gives back exactly the bytes put, with their size; an empty render too', async () => {
      const bytes = randomBytes(300_001);
      await store.put(keyOf('acme', HASH_A, 1), bytes);
      const found = await store.get(keyOf('acme', HASH_A, 1));
      expect(found?.size).toBe(300_001);
      expect((await bytesOf(found!.stream)).equals(bytes)).toBe(true);

      await store.put(keyOf('acme', HASH_A, 2, 'webp'), Buffer.alloc(0));
      const empty = await store.get(keyOf('acme', HASH_A, 2, 'webp'));
      expect(empty?.size).toBe(0);
      expect(await bytesOf(empty!.stream)).toHaveLength(0);
    });

    it('replaces a render put again under its key', async () => {
      const key = keyOf('acme', HASH_A, 3);
      await store.put(key, Buffer.from('the first render'));
      await store.put(key, Buffer.from('second'));
      const found = await store.get(key);
      expect(found?.size).toBe(6);
      expect((await bytesOf(found!.stream)).toString()).toBe('second');
    });

    it('says undefined for a render never stored, also of an organization or image it has never seen', async () => {
      await store.put(keyOf('acme', HASH_A, 4), Buffer.from('x'));
      expect(await store.get(keyOf('acme', HASH_A, 5))).toBeUndefined();
      expect(await store.get(keyOf('acme', HASH_A, 4, 'png'))).toBeUndefined();
      expect(await store.get(keyOf('acme', 'c'.repeat(40), 4))).toBeUndefined();
      expect(await store.get(keyOf('nobody', HASH_A, 4))).toBeUndefined();
    });

    it('refuses keys and prefixes that are not {org}/{hash}/{digest}.{ext}, naming them', async () => {
      for (const key of BAD_KEYS) {
        await expect(store.put(key, Buffer.from('x')), key).rejects.toThrow(
          `invalid render key ${JSON.stringify(key)}`,
        );
        await expect(store.get(key), key).rejects.toThrow(`invalid render key ${JSON.stringify(key)}`);
      }
      for (const prefix of BAD_PREFIXES) {
        await expect(store.deletePrefix(prefix), prefix).rejects.toThrow(
          `invalid render prefix ${JSON.stringify(prefix)}`,
        );
      }
      // Short hashes, long digests and other extensions are keys all the same.
      await store.put('my-org-2/abc123/0123abcd.avif', Buffer.from('ok'));
      expect((await store.get('my-org-2/abc123/0123abcd.avif'))?.size).toBe(2);
    });

    it('removes by prefix exactly the renders under it, and says how many', async () => {
      // Neighbours a careless prefix match would take too: an organization
      // whose name starts with "shop", a hash that starts with the other.
      const shortHash = 'd'.repeat(12);
      const longHash = `${shortHash}${'e'.repeat(28)}`;
      const doomed = [1, 2, 3, 4, 5].map((n) => keyOf('shop', shortHash, n));
      const kept = [keyOf('shop', longHash, 1), keyOf('shop-2', shortHash, 1), keyOf('shop', HASH_B, 1, 'webp')];
      for (const key of [...doomed, ...kept]) await store.put(key, Buffer.from(key));

      expect(await store.deletePrefix(`shop/${shortHash}/`)).toBe(5);
      for (const key of doomed) expect(await store.get(key), key).toBeUndefined();
      for (const key of kept) expect((await store.get(key))?.size, key).toBe(key.length);
      expect(await store.deletePrefix(`shop/${shortHash}/`)).toBe(0);
      expect(await store.deletePrefix('nobody/')).toBe(0);

      // A whole organization's renders, and only its own.
      expect(await store.deletePrefix('shop/')).toBe(2);
      expect(await store.get(keyOf('shop', longHash, 1))).toBeUndefined();
      expect((await store.get(keyOf('shop-2', shortHash, 1)))?.size).toBe(keyOf('shop-2', shortHash, 1).length);

      // A render put after its image's renders were removed is kept.
      await store.put(doomed[0]!, Buffer.from('again'));
      expect((await store.get(doomed[0]!))?.size).toBe(5);
    });

    it('ends concurrent puts of one key with one of them, whole, and readers meanwhile see whole renders only', async () => {
      const key = keyOf('race', HASH_A, 1);
      // Each version is one byte value repeated, so a torn read shows as a mix.
      const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024 + i, i + 1));
      await store.put(key, versions[0]!);
      let writing = true;
      const reads: Buffer[] = [];
      const reader = (async () => {
        while (writing) {
          const found = await store.get(key);
          const bytes = await bytesOf(found!.stream);
          expect(bytes.length).toBe(found!.size);
          reads.push(bytes);
        }
      })();
      await Promise.all(versions.map((bytes) => store.put(key, bytes)));
      writing = false;
      await reader;
      expect(reads.length).toBeGreaterThan(0);
      for (const bytes of reads) {
        const version = bytes[0]! - 1;
        expect(bytes.equals(versions[version]!), `read ${reads.indexOf(bytes)}`).toBe(true);
      }
      const last = await bytesOf((await store.get(key))!.stream);
      expect(versions.some((bytes) => bytes.equals(last))).toBe(true);
    });
  });
}

conformance('file render store', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'origo-renders-'));
  return {
    open: () => FsRenderStore.open(root),
    async cleanUp() {
      rmSync(root, { recursive: true, force: true });
    },
  };
});

// Only with a real S3 server (`npm run test:scale-out` sets ORIGO_TEST_S3_*);
// a plain `npm test` runs the file store alone.
describe.skipIf(!s3Configured)('S3 (ORIGO_TEST_S3_*)', () => {
  it('keeps renders out of the listing of the blobs they share the prefix with, across pages', async () => {
    const prefix = freshPrefix('renders-beside-blobs');
    const client = bareClient();
    await ensureBucket(client);
    const blobs = await S3BlobStore.open({ ...s3Settings(), prefix, listPageSize: 2 });
    const renders = await S3RenderStore.open({ ...s3Settings(), prefix });
    try {
      const blobKeys = ['1', '2', '3'].map((d) => `${d.repeat(40)}-${d.repeat(64)}`);
      for (const key of blobKeys) {
        await client.send(new PutObjectCommand({ Bucket: s3TestEnv.bucket!, Key: `${prefix}${key}`, Body: key }));
      }
      // More renders than a listing page holds, in the folder below the blobs.
      for (let n = 1; n <= 5; n++) await renders.put(keyOf('acme', HASH_A, n), Buffer.from('render'));
      const listed: string[] = [];
      for await (const blob of blobs.list()) listed.push(blob.key);
      expect(listed.sort()).toEqual(blobKeys);
    } finally {
      await Promise.all([blobs.close(), renders.close()]);
      await removeUnder(client, prefix);
      client.destroy();
    }
  });

  conformance('S3 render store', () => {
    const prefix = freshPrefix('render-store');
    return {
      async open() {
        const client = bareClient();
        await ensureBucket(client);
        client.destroy();
        // Small batches, so removing five renders spans several listings and DeleteObjects.
        return S3RenderStore.open({ ...s3Settings(), prefix, deleteBatchSize: 2 });
      },
      async cleanUp() {
        const client = bareClient();
        await removeUnder(client, prefix);
        client.destroy();
      },
    };
  });
});
