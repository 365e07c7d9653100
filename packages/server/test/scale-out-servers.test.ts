// Checks the real PostgreSQL and S3 servers that the scale-out backends will
// run against, so a broken harness or server shows up here and not as a
// mystery failure in a storage test.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Configured, s3TestEnv } from './s3-env.ts';

const databaseUrl = process.env['ORIGO_TEST_DATABASE_URL'];
const s3 = s3TestEnv;

// These servers exist only under `npm run test:scale-out` (or when a developer
// points the variables at their own); plain `npm test` must pass on any machine.
describe.skipIf(!databaseUrl)('PostgreSQL from ORIGO_TEST_DATABASE_URL', () => {
  let client: pg.Client | undefined;
  const table = `scale_out_check_${randomBytes(4).toString('hex')}`;
  const db = () => client!;

  beforeAll(async () => {
    const connecting = new pg.Client({ connectionString: databaseUrl });
    await connecting.connect();
    client = connecting;
  });
  afterAll(async () => {
    // Only a connected client: a failed connect is the error worth reading.
    if (!client) return;
    await client.query(`drop table if exists ${table}`);
    await client.end();
  });

  it('is PostgreSQL 15', async () => {
    const { rows } = await db().query<{ version: string }>('select version() as version');
    expect(rows[0]!.version).toMatch(/^PostgreSQL 15\.\d+ /);
  });

  it('sorts a COLLATE "C" column by bytes', async () => {
    await db().query(`create table ${table} (name text collate "C" primary key)`);
    await db().query(`insert into ${table} (name) values ('b'), ('B'), ('a'), ('_'), ('Z')`);
    const { rows } = await db().query<{ name: string }>(`select name from ${table} order by name`);
    expect(rows.map((row) => row.name)).toEqual(['B', 'Z', '_', 'a', 'b']);
  });
});

function s3Client(secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: s3.endpoint!,
    region: s3.region!,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId!, secretAccessKey },
    // The SDK's default aws-chunked upload with a CRC trailer is refused by radosgw 16 (411).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

async function s3Error(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  }
  throw new Error('expected the S3 request to fail');
}

describe.skipIf(!s3Configured)('S3 from ORIGO_TEST_S3_*', () => {
  const bucket = s3.bucket!;
  const prefix = `scale-out-check-${randomBytes(4).toString('hex')}/`;
  const key = `${prefix}ten-mib.bin`;
  const body = randomBytes(10 * 1024 * 1024);
  let client: S3Client;

  beforeAll(async () => {
    client = s3Client(s3.secretAccessKey!);
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      // A server the developer reuses across runs already has the bucket.
      if (!(error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou')) throw error;
    }
  });
  afterAll(() => client?.destroy());

  it('has the bucket', async () => {
    const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
  });

  it('stores a streamed 10 MiB body byte for byte', async () => {
    const chunks = function* () {
      for (let offset = 0; offset < body.length; offset += 64 * 1024) yield body.subarray(offset, offset + 64 * 1024);
    };
    const put = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Readable.from(chunks()),
        ContentLength: body.length,
        ContentType: 'application/octet-stream',
      }),
    );
    const md5 = createHash('md5').update(body).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(10 * 1024 * 1024);
    expect(head.ETag).toBe(`"${md5}"`);
    expect(head.ContentType).toBe('application/octet-stream');

    const whole = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await whole.Body!.transformToByteArray());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('answers a Range request with 206 and exactly those bytes', async () => {
    const start = 3 * 1024 * 1024 + 17;
    const end = start + 4095;
    const part = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }));
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe(`bytes ${start}-${end}/${body.length}`);
    expect(part.ContentLength).toBe(4096);
    expect(Buffer.from(await part.Body!.transformToByteArray()).equals(body.subarray(start, end + 1))).toBe(true);
  });

  it('refuses a PutObject with If-None-Match: * on an existing key (412) and keeps the object', async () => {
    const error = await s3Error(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'replacement', IfNoneMatch: '*' })),
    );
    expect(error.$metadata.httpStatusCode).toBe(412);
    expect(error.name).toBe('PreconditionFailed');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(body.length);
  });

  it('accepts If-None-Match: * on a new key', async () => {
    const put = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${prefix}new.txt`, Body: 'first', IfNoneMatch: '*' }),
    );
    expect(put.$metadata.httpStatusCode).toBe(200);
  });

  it('lists by prefix and forgets a deleted object', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}small.txt`, Body: 'small' }));
    const before = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    expect(before.Contents?.map((object) => [object.Key, object.Size])).toEqual([
      [`${prefix}new.txt`, 5],
      [`${prefix}small.txt`, 5],
      [key, body.length],
    ]);

    const deleted = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const gone = await s3Error(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    expect(gone.$metadata.httpStatusCode).toBe(404);
    const after = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    expect(after.Contents?.map((object) => object.Key)).toEqual([`${prefix}new.txt`, `${prefix}small.txt`]);

    for (const leftover of after.Contents ?? []) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: leftover.Key! }));
    }
  });

  it('refuses a request signed with the wrong secret (403)', async () => {
    const wrong = s3Client(`${s3.secretAccessKey!}x`);
    try {
      const error = await s3Error(wrong.send(new ListObjectsV2Command({ Bucket: bucket })));
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.name).toBe('SignatureDoesNotMatch');
    } finally {
      wrong.destroy();
    }
  });
});
