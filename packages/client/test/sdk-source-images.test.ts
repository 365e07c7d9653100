// Source images through the SDK against a real origo: create from every
// kind of data, get, list, iterate, download, rename, lock, protect, delete,
// restore, copy.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePng } from '../../server/test/helpers.ts';
import { fields, type SourceImage, search } from '../src/index.ts';
import { type SdkFixture, startSdkFixture } from './sdk-fixture.ts';

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

let fx: SdkFixture;
let dir: string;

beforeAll(async () => {
  fx = await startSdkFixture(['acme', 'beta']);
  dir = mkdtempSync(path.join(os.tmpdir(), 'origo-sdk-'));
});
afterAll(async () => {
  await fx?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createSourceImage', () => {
  it('uploads from a path, a Node stream, a web stream, a Buffer and a Blob', async () => {
    const files = await Promise.all([1, 2, 3, 4, 5].map((seed) => uniquePng(seed)));
    const file = path.join(dir, 'from-path.png');
    writeFileSync(file, files[0]!);
    const created: SourceImage[] = [
      await fx.client.createSourceImage('acme', 'from-path.png', { path: file }),
      await fx.client.createSourceImage('acme', 'node-stream.png', Readable.from([files[1]!])),
      await fx.client.createSourceImage('acme', 'web-stream.png', new Blob([new Uint8Array(files[2]!)]).stream()),
      await fx.client.createSourceImage('acme', 'buffer.png', files[3]!),
      await fx.client.createSourceImage('acme', 'blob.png', new Blob([new Uint8Array(files[4]!)])),
    ];
    expect(created.map((i) => i.name)).toEqual([
      'from-path.png',
      'node-stream.png',
      'web-stream.png',
      'buffer.png',
      'blob.png',
    ]);
    expect(created.map((i) => i.binary_hash)).toEqual(files.map((f) => sha1(f)));
    expect(created.every((i) => i.organization === 'acme' && i.format === 'png' && i.width === 200)).toBe(true);
  });

  it('sends user metadata, dynamic metadata and the protected option', async () => {
    const bytes = await uniquePng(10);
    const image = await fx.client.createSourceImage('acme', 'meta.png', bytes, {
      metaUser: { category: 'beach', 'int:rank': 3 },
      metaDynamic: { subject_area: { x: 10, y: 10, width: 20, height: 20 } },
      protected: true,
    });
    expect(image.user_metadata).toEqual({ category: 'beach', 'int:rank': 3 });
    expect(image.dynamic_metadata).toEqual({ subject_area: { x: 10, y: 10, width: 20, height: 20 } });
    expect(image.protected).toBe(true);
    const plain = await fx.client.createSourceImage('acme', 'meta.png', bytes);
    expect(plain.hash).not.toBe(image.hash);
    expect(plain.binary_hash).toBe(image.binary_hash);
  });

  it('keeps a name outside ASCII, with quotes, through upload and download', async () => {
    const name = 'Zürich "café" 東京.png';
    const image = await fx.client.createSourceImage('acme', name, await uniquePng(12));
    expect(image.name).toBe(name);
    const download = await fx.client.downloadSourceImage('acme', image.hash);
    await download.stream.cancel();
    expect(download.filename).toBe(image.name);
  });

  it('reports the bytes sent while it uploads', async () => {
    const bytes = await uniquePng(11);
    const seen: number[] = [];
    await fx.client.createSourceImage('acme', 'progress.png', bytes, { onProgress: (n) => seen.push(n) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!).toBeGreaterThan(bytes.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('reading', () => {
  let image: SourceImage;
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await uniquePng(20, 300, 200);
    image = await fx.client.createSourceImage('acme', 'read me.png', bytes);
  });

  it('gets an image by hash and by short hash', async () => {
    expect(await fx.client.getSourceImage('acme', image.hash)).toEqual(image);
    expect((await fx.client.getSourceImage('acme', image.short_hash)).hash).toBe(image.hash);
  });

  it('downloads the same bytes as a stream and as a Buffer', async () => {
    const download = await fx.client.downloadSourceImage('acme', image.hash);
    expect(download.filename).toBe('read me.png');
    expect(download.contentType).toBe('image/png');
    expect(download.size).toBe(bytes.length);
    const chunks: Uint8Array[] = [];
    const reader = download.stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    const buffer = await fx.client.downloadSourceImageBuffer('acme', image.hash);
    expect(Buffer.from(buffer).equals(bytes)).toBe(true);
  });

  it('finds images by binary hash', async () => {
    const found = await fx.client.getSourceImagesWithBinaryHash('acme', sha1(bytes));
    expect(found.items.map((i) => i.hash)).toEqual([image.hash]);
  });
});

describe('listing', () => {
  it('lists a page with a plain query and iterates every page by cursor', async () => {
    const hashes: string[] = [];
    for (let seed = 100; seed < 107; seed++) {
      const image = await fx.client.createSourceImage('beta', `list-${seed}.png`, await uniquePng(seed), {
        metaUser: { batch: 'listing' },
      });
      hashes.push(image.hash);
    }
    const page = await fx.client.listSourceImages('beta', { limit: 3, 'user:batch': 'listing' });
    expect(page.total).toBe(7);
    expect(page.items).toHaveLength(3);
    expect(typeof page.cursor).toBe('string');

    const requests: string[] = [];
    const recording: typeof fetch = (input, init) => {
      requests.push(String(input));
      return fetch(input, init);
    };
    const { OrigoClient } = await import('../src/index.ts');
    const client = new OrigoClient({ url: fx.server.url, apiKey: 'test-root-key-0123456789abcdef', fetch: recording });
    const all: string[] = [];
    for await (const image of client.iterateSourceImages('beta', { 'user:batch': 'listing' }, { pageSize: 3 })) {
      all.push(image.hash);
    }
    expect([...all].sort()).toEqual([...hashes].sort());
    // 3 + 3 + 1, then the empty page after the last cursor.
    expect(requests).toHaveLength(4);
    expect(requests.slice(1).every((url) => new URL(url).searchParams.get('offset') !== null)).toBe(true);

    // The same through the search builder.
    const byBuilder = search().where(fields.user.str('batch'), 'listing');
    const found = await fx.client.searchSourceImages('beta', byBuilder.sort(fields.name, 'desc').limit(2));
    expect(found.total).toBe(7);
    expect(found.items.map((i) => i.name)).toEqual(['list-106.png', 'list-105.png']);
    const iterated: string[] = [];
    for await (const image of fx.client.iterateSourceImages('beta', byBuilder, { pageSize: 4 })) {
      iterated.push(image.hash);
    }
    expect([...iterated].sort()).toEqual([...hashes].sort());
  });
});
