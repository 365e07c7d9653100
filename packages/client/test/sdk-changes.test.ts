// Changing source images through the SDK against a real origo: user and
// dynamic metadata, rename, lock, protect, delete, restore and copies.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePng } from '../../server/test/helpers.ts';
import { isOrigoApiError, type SourceImage } from '../src/index.ts';
import { type SdkFixture, startSdkFixture } from './sdk-fixture.ts';

let fx: SdkFixture;
let seed = 500;
const newImage = async (org = 'acme'): Promise<SourceImage> =>
  fx.client.createSourceImage(org, `image-${seed}.png`, await uniquePng(seed++));

/** The status and code of the error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (err) {
    if (isOrigoApiError(err)) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fx = await startSdkFixture(['acme', 'beta']);
});
afterAll(async () => {
  await fx?.server.close();
});

describe('user metadata', () => {
  it('puts, patches, reads, sets and removes fields', async () => {
    const { hash } = await newImage();
    const { client } = fx;
    await client.putSourceImageMetaUser('acme', hash, { category: 'beach', 'int:rank': 2 });
    expect(await client.getSourceImageMetaUser('acme', hash)).toEqual({ category: 'beach', 'int:rank': 2 });
    await client.patchSourceImageMetaUser('acme', hash, { 'int:rank': null, 'array:tags': ['sea', 'sun'] });
    expect(await client.getSourceImageMetaUser('acme', hash)).toEqual({
      category: 'beach',
      'array:tags': ['sea', 'sun'],
    });
    await client.putSourceImageMetaUserField('acme', hash, 'title', 'A day at sea');
    expect(await client.getSourceImageMetaUserField('acme', hash, 'title')).toBe('A day at sea');
    await client.deleteSourceImageMetaUserField('acme', hash, 'category');
    expect(await client.getSourceImageMetaUser('acme', hash)).toEqual({
      title: 'A day at sea',
      'array:tags': ['sea', 'sun'],
    });
    await client.deleteSourceImageMetaUser('acme', hash);
    expect(await client.getSourceImageMetaUser('acme', hash)).toEqual({});
    expect((await client.getSourceImage('acme', hash)).hash).toBe(hash);
  });
});

describe('dynamic metadata', () => {
  it('gives a new hash, keeps the old image unless deletePrevious, and removes it again', async () => {
    const image = await newImage();
    const { client } = fx;
    const area = { x: 10, y: 10, width: 20, height: 20 };
    const set = await client.putSourceImageMetaDynamic('acme', image.hash, 'subject_area', area);
    expect(set.hash).not.toBe(image.hash);
    expect(set.image?.dynamic_metadata).toEqual({ subject_area: area });
    expect((await client.getSourceImage('acme', image.hash)).hash).toBe(image.hash);

    const again = await client.putSourceImageMetaDynamic('acme', set.hash, 'subject_area', area);
    expect(again).toEqual({ hash: set.hash, image: undefined });

    const removed = await client.deleteSourceImageMetaDynamic('acme', set.hash, 'subject_area', {
      deletePrevious: true,
    });
    expect(removed.hash).toBe(image.hash);
    expect(await failure(client.getSourceImage('acme', set.hash))).toMatchObject({ status: 404 });
  });
});

describe('changes to the image', () => {
  it('renames, locks (and then refuses to delete), unlocks', async () => {
    const { hash } = await newImage();
    const { client } = fx;
    await client.renameSourceImage('acme', hash, 'renamed.png');
    expect((await client.getSourceImage('acme', hash)).name).toBe('renamed.png');
    expect((await client.setSourceImageLocked('acme', hash, true)).locked).toBe(true);
    expect(await failure(client.deleteSourceImage('acme', hash))).toMatchObject({ status: 403 });
    expect((await client.setSourceImageLocked('acme', hash, false)).locked).toBe(false);
  });

  it('protects an image under a new hash', async () => {
    const image = await newImage();
    const prot = await fx.client.setSourceImageProtected('acme', image.hash, true, { deletePrevious: true });
    expect(prot.protected).toBe(true);
    expect(prot.hash).not.toBe(image.hash);
    expect(await failure(fx.client.getSourceImage('acme', image.hash))).toMatchObject({ status: 404 });
  });

  it('deletes, finds it with deleted: true, and restores it', async () => {
    const { hash } = await newImage();
    const { client } = fx;
    await client.deleteSourceImage('acme', hash);
    expect(await failure(client.getSourceImage('acme', hash))).toMatchObject({ status: 404 });
    expect((await client.getSourceImage('acme', hash, { deleted: true })).deleted).toBe(true);
    const restored = await client.restoreSourceImage('acme', hash);
    expect(restored).toMatchObject({ hash, deleted: false });
  });

  it('deletes every image with a binary hash', async () => {
    const bytes = await uniquePng(seed++);
    const binaryHash = createHash('sha1').update(bytes).digest('hex');
    const plain = await fx.client.createSourceImage('acme', 'twice.png', bytes);
    const withArea = await fx.client.createSourceImage('acme', 'twice.png', bytes, {
      metaDynamic: { subject_area: { x: 1, y: 1 } },
    });
    expect((await fx.client.getSourceImagesWithBinaryHash('acme', binaryHash)).items).toHaveLength(2);
    await fx.client.deleteSourceImagesWithBinaryHash('acme', binaryHash);
    expect((await fx.client.getSourceImagesWithBinaryHash('acme', binaryHash)).items).toEqual([]);
    for (const image of [plain, withArea]) {
      expect(await failure(fx.client.getSourceImage('acme', image.hash))).toMatchObject({ status: 404 });
    }
  });
});

describe('copies', () => {
  it('copies one image with its hash, then says it existed', async () => {
    const image = await newImage();
    expect(await fx.client.copySourceImage('acme', image.hash, 'beta')).toEqual({ created: true });
    const copy = await fx.client.getSourceImage('beta', image.hash);
    expect(copy).toMatchObject({ hash: image.hash, organization: 'beta', binary_hash: image.binary_hash });
    expect(await fx.client.copySourceImage('acme', image.hash, 'beta')).toEqual({ created: false });
    expect(await failure(fx.client.copySourceImage('acme', image.hash, 'beta', { overwrite: false }))).toMatchObject({
      status: 412,
    });
  });

  it('copies many at once', async () => {
    const first = await newImage();
    const second = await newImage();
    await fx.client.copySourceImage('acme', first.hash, 'beta');
    const missing = 'f'.repeat(40);
    const result = await fx.client.copySourceImages('acme', [first.hash, second.hash, missing], 'beta');
    expect(result).toEqual({ created: [second.hash], existing: [first.hash], notfound: [missing] });
  });
});
