// Which storage test servers run on. A plain `npm test` runs every server on
// the embedded default (SQLite and files in a temp data folder). Given a real
// PostgreSQL (ORIGO_TEST_DATABASE_URL) and/or S3 server (ORIGO_TEST_S3_*), as
// `npm run test:scale-out` gives both, every server runs on them instead: a
// fresh database and a fresh key prefix of its own, removed on close, so the
// whole HTTP suite checks the scale-out configuration too.

import type { S3Client } from '@aws-sdk/client-s3';
import { createTestDatabase } from './pg-database.ts';
import { bareClient, ensureBucket, freshPrefix, removeUnder, s3Configured, s3Env } from './s3-env.ts';

const adminDatabaseUrl = process.env['ORIGO_TEST_DATABASE_URL'] || undefined;

/** Test servers keep their catalog in PostgreSQL (unless a test asks for the embedded default). */
export const serversOnPostgres = adminDatabaseUrl !== undefined;
/** Test servers keep their blobs in S3 (unless a test asks for the embedded default). */
export const serversOnS3 = s3Configured;
/**
 * For `it.skipIf(!serversEmbedded)`: a test about the SQLite file or the
 * blobs folder by nature, that has no counterpart on PostgreSQL or S3.
 */
export const serversEmbedded = !serversOnPostgres && !serversOnS3;

/**
 * `matrix` (the default): whatever this run's ORIGO_TEST_* variables give.
 * `embedded`: SQLite and files whatever they give, for a test about those by
 * nature (the SQLite file's bytes, a full disk under the data folder).
 * `blob-files`: the run's catalog, but blobs in files, for a test about blob
 * files by nature (their times, their open descriptors).
 */
export type StorageChoice = 'matrix' | 'embedded' | 'blob-files';

export interface ServerStorage {
  /** Settings to give the server (ORIGO_DATABASE_URL, ORIGO_S3_*), none for the embedded default. */
  env: Record<string, string>;
  /** The key prefix of the server's blobs in ORIGO_TEST_S3_BUCKET, when they are in S3. */
  s3Prefix?: string;
  /** Drops the database and removes the objects; safe to call once, after the server closed. */
  remove(): Promise<void>;
}

let bucketReady: Promise<void> | undefined;
let sharedClient: S3Client | undefined;

/** One bare S3 client per test file for checking and cleaning the bucket (also used by stored-blobs.ts). */
export function testS3Client(): S3Client {
  sharedClient ??= bareClient();
  return sharedClient;
}

/**
 * A fresh database and/or S3 prefix for one server, unless the test's own
 * settings already name a database or a blob store (its own are kept as
 * they are) or it chose the embedded default.
 */
export async function serverStorage(
  testEnv: Record<string, string>,
  choice: StorageChoice,
  ownBlobStore: boolean,
): Promise<ServerStorage> {
  if (choice === 'embedded') return { env: {}, remove: async () => undefined };
  const ownsDatabase = 'ORIGO_DATABASE_URL' in testEnv;
  const ownsS3 =
    choice === 'blob-files' || ownBlobStore || Object.keys(testEnv).some((name) => name.startsWith('ORIGO_S3_'));
  const database = serversOnPostgres && !ownsDatabase ? await createTestDatabase(adminDatabaseUrl!) : undefined;
  let s3Prefix: string | undefined;
  if (serversOnS3 && !ownsS3) {
    try {
      bucketReady ??= ensureBucket(testS3Client());
      await bucketReady;
    } catch (err) {
      bucketReady = undefined;
      await database?.drop();
      throw err;
    }
    s3Prefix = freshPrefix('server');
  }
  return {
    env: { ...(database && { ORIGO_DATABASE_URL: database.url }), ...(s3Prefix !== undefined && s3Env(s3Prefix)) },
    ...(s3Prefix !== undefined && { s3Prefix }),
    async remove() {
      await Promise.all([database?.drop(), s3Prefix !== undefined ? removeUnder(testS3Client(), s3Prefix) : undefined]);
    },
  };
}
