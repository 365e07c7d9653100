// The real S3 server tests may use: given by `npm run test:scale-out` (or a
// developer's own) as ORIGO_TEST_S3_*; absent on a plain `npm test`, where
// every S3 test is skipped.

import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/** The ORIGO_TEST_S3_* variables, each undefined when not given. */
export const s3TestEnv = {
  endpoint: process.env['ORIGO_TEST_S3_ENDPOINT'],
  bucket: process.env['ORIGO_TEST_S3_BUCKET'],
  region: process.env['ORIGO_TEST_S3_REGION'],
  accessKeyId: process.env['ORIGO_TEST_S3_ACCESS_KEY_ID'],
  secretAccessKey: process.env['ORIGO_TEST_S3_SECRET_ACCESS_KEY'],
};

export const s3Configured = Object.values(s3TestEnv).every((value) => value !== undefined && value !== '');

/** The test server's settings as origo's ORIGO_S3_* variables, under a prefix of this run's own. */
export function s3Env(prefix: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ORIGO_S3_ENDPOINT: s3TestEnv.endpoint!,
    ORIGO_S3_BUCKET: s3TestEnv.bucket!,
    ORIGO_S3_REGION: s3TestEnv.region!,
    ORIGO_S3_ACCESS_KEY_ID: s3TestEnv.accessKeyId!,
    ORIGO_S3_SECRET_ACCESS_KEY: s3TestEnv.secretAccessKey!,
    ORIGO_S3_PREFIX: prefix,
    ...overrides,
  };
}

export const s3Settings = () => ({
  endpoint: s3TestEnv.endpoint!,
  bucket: s3TestEnv.bucket!,
  region: s3TestEnv.region!,
  accessKeyId: s3TestEnv.accessKeyId!,
  secretAccessKey: s3TestEnv.secretAccessKey!,
  forcePathStyle: true,
});

/** A key prefix no other run or test file uses. */
export const freshPrefix = (label: string) => `test-${label}-${Date.now()}-${randomBytes(4).toString('hex')}/`;

/** A bare client for checking what is in the bucket, independent of origo's store. */
export function bareClient(): S3Client {
  return new S3Client({
    ...s3Settings(),
    credentials: { accessKeyId: s3TestEnv.accessKeyId!, secretAccessKey: s3TestEnv.secretAccessKey! },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function ensureBucket(client: S3Client): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: s3TestEnv.bucket! }));
  } catch (error) {
    if (!(error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou')) throw error;
  }
}

/** Object keys under `prefix`, all pages. */
export async function keysUnder(client: S3Client, prefix: string, bucket = s3TestEnv.bucket!): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function removeUnder(client: S3Client, prefix: string, bucket = s3TestEnv.bucket!): Promise<void> {
  const keys = await keysUnder(client, prefix, bucket);
  // One by one: DeleteObjects needs a body checksum, which stores disagree on.
  for (const Key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
}
