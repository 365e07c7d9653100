// Render store on S3, in the blobs' bucket: one object per render,
// <ORIGO_S3_PREFIX>renders/<org>/<hash>/<digest>.<ext>. Blob keys are
// <ORIGO_S3_PREFIX><sha1>-<sha256>, with no "/" after the prefix, and the
// blob store lists only those (a "/" delimiter, blobs/s3.ts), so the sweep's
// collection of unused blobs never meets a render. A PutObject is atomic
// (readers get the old object or the new one), so puts need no temp key.

import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Config } from '../../config.ts';
import { describeBucket, isNotFound, newS3Client, s3StoreError } from '../s3-client.ts';
import { withContentMd5 } from './content-md5.ts';
import { checkRenderKey, checkRenderPrefix, type RenderStore } from './render-store.ts';

export interface S3RenderStoreOptions extends S3Config {
  /** Keys listed and deleted per request by deletePrefix (default 1000, S3's maximum for both). */
  deleteBatchSize?: number;
  /** Attempts per request, retries included (default 3). */
  maxAttempts?: number;
}

export class S3RenderStore implements RenderStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  /** Before every render key: the configured prefix and "renders/". */
  private readonly base: string;
  private readonly batchSize: number;
  private readonly where: string;

  private constructor(options: S3RenderStoreOptions) {
    this.bucket = options.bucket;
    this.base = `${options.prefix}renders/`;
    this.batchSize = options.deleteBatchSize ?? 1000;
    this.where = describeBucket(options);
    this.client = newS3Client(options, options.maxAttempts ?? 3);
  }

  /** No check at open: the blob store, in the same bucket with the same credentials, has made it. */
  static async open(options: S3RenderStoreOptions): Promise<S3RenderStore> {
    return new S3RenderStore(options);
  }

  async get(key: string): Promise<{ size: number; stream: Readable } | undefined> {
    let answer: GetObjectCommandOutput;
    try {
      answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.base + checkRenderKey(key) }),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3StoreError(err, this.where);
    }
    const body = answer.Body;
    if (!(body instanceof Readable)) throw new Error(`the S3 store (${this.where}) gave render ${key} without a body`);
    return { size: answer.ContentLength ?? 0, stream: body };
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const objectKey = this.base + checkRenderKey(key);
    try {
      // A buffer body, which the SDK can send again itself on a transient fault.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
        }),
      );
    } catch (err) {
      throw s3StoreError(err, this.where);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const listed = this.base + checkRenderPrefix(prefix);
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.guard(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: listed,
            MaxKeys: this.batchSize,
            ContinuationToken: token,
          }),
        ),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
      if (keys.length > 0) removed += await this.deleteKeys(keys);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return removed;
  }

  /** One DeleteObjects of at most 1000 keys; a key the store could not delete fails the whole call. */
  private async deleteKeys(keys: string[]): Promise<number> {
    const answer: DeleteObjectsCommandOutput = await this.guard(() =>
      this.client.send(
        withContentMd5(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      ),
    );
    const failed = answer.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(
        `the S3 store (${this.where}) did not delete ${failed.length} of ${keys.length} renders, first ${JSON.stringify(first?.Key)}: ${first?.Code} ${first?.Message}`,
      );
    }
    return keys.length;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async guard<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw s3StoreError(err, this.where);
    }
  }
}
