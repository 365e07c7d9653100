// Blob store on an S3-compatible object store (AWS S3, Ceph radosgw, MinIO…):
// one object per blob, <prefix><key> (renders are under <prefix>renders/,
// see renders/s3.ts). The service stages, hashes and probes
// an upload on local disk first; put streams the finished file up.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../../config.ts';
import { describeBucket, isNotFound, isTransient, newS3Client, s3StoreError, statusOf } from '../s3-client.ts';
import {
  type BlobHead,
  BlobNotFoundError,
  type BlobRead,
  type BlobStat,
  type BlobStore,
  type ByteRange,
  type StagedBlob,
} from './blob-store.ts';
import { etagMatchesFile } from './s3-etag.ts';

const KEY = /^[0-9a-f]{40}-[0-9a-f]{64}$/;
const MB = 1024 * 1024;

/** The ORIGO_S3_* settings, and what only tests and tools choose. */
export interface S3BlobStoreOptions extends S3Config {
  /** Files this large or larger go up as a multipart upload (default 16 MiB). */
  multipartThreshold?: number;
  /** Part size of a multipart upload (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /** Keys per ListObjectsV2 page (default 1000, S3's maximum). */
  listPageSize?: number;
  /** Attempts per request, retries included (default 3). */
  maxAttempts?: number;
  /** Check the bucket and credentials at open (default true); false defers every fault to the first request. */
  checkBucket?: boolean;
}

export class S3BlobStore implements BlobStore {
  readonly keepsStagedFiles = false;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly listPageSize: number;
  private readonly maxAttempts: number;
  private readonly where: string;

  private constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.multipartThreshold = options.multipartThreshold ?? 16 * MB;
    this.partSize = options.partSize ?? 8 * MB;
    this.listPageSize = options.listPageSize ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.where = describeBucket(options);
    this.client = newS3Client(options, this.maxAttempts);
  }

  /**
   * Opens the store and checks that the bucket can be listed with these
   * credentials, so a wrong setting stops origo at start (StorageUnavailableError
   * naming the setting) rather than failing the first upload.
   */
  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    const store = new S3BlobStore(options);
    try {
      // A listing, not HeadBucket: its error answers have a body naming the
      // fault (a wrong secret, a missing bucket), and the sweep needs it allowed.
      if (options.checkBucket !== false) {
        await store.guard(() =>
          store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.prefix, MaxKeys: 1 })),
        );
      }
    } catch (err) {
      store.client.destroy();
      throw err;
    }
    return store;
  }

  private objectKey(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
    return `${this.prefix}${key}`;
  }

  async put(key: string, staged: StagedBlob): Promise<void> {
    const objectKey = this.objectKey(key);
    if (staged.size >= this.multipartThreshold) {
      // Large bytes are not sent again when they are stored already, whole
      // (a multipart upload has no conditional create on every store).
      if (await this.holds(key, staged)) return;
      await this.putMultipart(objectKey, staged.path);
      return;
    }
    // Conditional create: If-None-Match: * refuses (412) to overwrite a key
    // stored already, which holds these same bytes unless it was damaged;
    // one whose size or ETag differs is then overwritten, so uploading the
    // original again repairs a damaged object. The SDK cannot retry a
    // streamed body, but the staged file can be read again: transient
    // faults are retried here, each with a fresh stream.
    let onlyIfAbsent = true;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: objectKey,
            Body: createReadStream(staged.path, { highWaterMark: MB }),
            ContentLength: staged.size,
            ContentType: 'application/octet-stream',
            ...(onlyIfAbsent ? { IfNoneMatch: '*' } : {}),
          }),
        );
        return;
      } catch (err) {
        if (onlyIfAbsent && statusOf(err) === 412) {
          if (await this.holds(key, staged)) return;
          onlyIfAbsent = false;
          attempt = 0;
          continue;
        }
        if (attempt >= this.maxAttempts || !isTransient(err)) throw this.storeError(err);
        await setTimeout(100 * 2 ** (attempt - 1));
      }
    }
  }

  /** Whether `key` is stored with exactly the staged bytes (size and ETag). */
  private async holds(key: string, staged: StagedBlob): Promise<boolean> {
    const head = await this.head(key);
    if (head?.size !== staged.size || !head.version.startsWith('etag:')) return false;
    return etagMatchesFile(head.version.slice('etag:'.length), staged.path, staged.size, this.partSize);
  }

  /**
   * Parts are read into memory (queueSize × partSize at most) and sent two
   * at a time; a failure aborts the upload, leaving no parts behind. The
   * answer's ETag is not used: radosgw gives an empty one for a completed
   * multipart upload.
   */
  private async putMultipart(objectKey: string, stagedPath: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: createReadStream(stagedPath, { highWaterMark: MB }),
        ContentType: 'application/octet-stream',
      },
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await this.guard(() => upload.done());
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead> {
    const objectKey = this.objectKey(key);
    let answer: GetObjectCommandOutput;
    try {
      answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      // A range that starts at or past the end (or any range of an empty
      // object): no bytes, as the file store gives, with the real size.
      if (range && statusOf(err) === 416) {
        const head = await this.head(key);
        if (!head) throw new BlobNotFoundError(key);
        return { size: head.size, version: head.version, stream: Readable.from([]) };
      }
      throw this.storeError(err);
    }
    const stream = answer.Body as Readable;
    const total = answer.ContentRange ? /\/(\d+)$/.exec(answer.ContentRange)?.[1] : undefined;
    const size = total !== undefined ? Number(total) : (answer.ContentLength ?? 0);
    return { size, version: versionOf(answer.ETag, answer.LastModified, size), stream };
  }

  async head(key: string): Promise<BlobHead | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      const size = head.ContentLength ?? 0;
      return {
        size,
        modifiedAt: head.LastModified ?? new Date(0),
        version: versionOf(head.ETag, head.LastModified, size),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.storeError(err);
    }
  }

  async delete(key: string): Promise<void> {
    await this.guard(() =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })),
    );
  }

  async *list(): AsyncIterable<BlobStat> {
    let token: string | undefined;
    do {
      const page = await this.guard(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix,
            // Blob keys have no "/" after the prefix; with the delimiter the
            // folders below it (renders/, renders/s3.ts) come back as one
            // common prefix each, so a listing never pages through renders
            // and the sweep can never take one for an unused blob.
            Delimiter: '/',
            MaxKeys: this.listPageSize,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        // Keys under the prefix that origo did not write are not blobs.
        if (key === undefined || !KEY.test(key)) continue;
        yield { key, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async guard<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw this.storeError(err);
    }
  }

  /** `err` as a StorageUnavailableError when the store refused or could not be reached; a local file error as storage errors go. */
  private storeError(err: unknown): unknown {
    return s3StoreError(err, this.where);
  }
}

/** An ETag names the stored bytes; quoted or not, weak or not, depending on the store and call. */
function versionOf(etag: string | undefined, lastModified: Date | undefined, size: number): string {
  const bare = etag?.replace(/^W\//, '').replace(/^"|"$/g, '');
  if (bare) return `etag:${bare}`;
  // A store that gives no ETag (radosgw's completed multipart uploads, in
  // some answers): the write time and size still change on every rewrite.
  return `modified:${lastModified?.getTime() ?? 0}:${size}`;
}
