// What the stores on S3 (blobs/s3.ts, renders/s3.ts) share: one way to make
// a client that S3-compatible stores accept, and one reading of its errors,
// so both name a wrong setting or an unreachable store the same way.

import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { S3Config } from '../config.ts';
import { asStorageError } from './storage-errors.ts';
import { StorageUnavailableError } from './unavailable.ts';

/** A client for `options`' bucket, trying each request `maxAttempts` times (retries included). */
export function newS3Client(options: S3Config, maxAttempts: number): S3Client {
  return new S3Client({
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // By default the SDK sends streamed bodies aws-chunked with a CRC
    // trailer, which radosgw 16 refuses (411) and other stores mangle;
    // integrity is origo's own sha1/sha256 check on read.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts,
    // The SDK warns on the console about streamed bodies it cannot retry; put retries those itself.
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    // An unreachable endpoint should fail a request in seconds, not hang it;
    // a socket idle this long is a dead store.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}

/** The bucket and endpoint, for messages. */
export function describeBucket(options: S3Config): string {
  return `bucket "${options.bucket}" at ${options.endpoint ?? `AWS S3 (${options.region})`}`;
}

export function statusOf(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

export function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'NoSuchKey' || (err.name === 'NotFound' && err.$metadata.httpStatusCode === 404))
  );
}

/** A fault worth another try: the store or the network, not the request or its credentials. */
export function isTransient(err: unknown): boolean {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode ?? 0;
    return status >= 500 || err.name === 'SlowDown' || err.name === 'RequestTimeout';
  }
  return unavailableReason(err, '') !== undefined;
}

/** `err` as a StorageUnavailableError when the store at `where` refused or could not be reached; a local file error as storage errors go. */
export function s3StoreError(err: unknown, where: string): unknown {
  const reason = unavailableReason(err, where);
  return reason !== undefined ? new StorageUnavailableError(reason, err) : asStorageError(err);
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
];

function unavailableReason(err: unknown, where: string): string | undefined {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode;
    switch (err.name) {
      case 'SignatureDoesNotMatch':
        return `the S3 store (${where}) refused the secret key (ORIGO_S3_SECRET_ACCESS_KEY)`;
      case 'InvalidAccessKeyId':
        return `the S3 store (${where}) does not know the access key id (ORIGO_S3_ACCESS_KEY_ID)`;
      case 'NoSuchBucket':
        return `the S3 store has no ${where} (ORIGO_S3_BUCKET)`;
      case 'AccessDenied':
        return `the S3 store (${where}) denied access with these credentials (ORIGO_S3_ACCESS_KEY_ID)`;
      default:
        // HEAD answers have no body, so no error name: the status is all there is.
        if (status === 403)
          return `the S3 store (${where}) refused the credentials (ORIGO_S3_ACCESS_KEY_ID, ORIGO_S3_SECRET_ACCESS_KEY)`;
        if (status === 404) return `the S3 store has no ${where} (ORIGO_S3_BUCKET)`;
        return `the S3 store (${where}) answered ${status ?? 'without a status'} ${err.name}: ${err.message}`;
    }
  }
  for (
    let e = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.includes(code))
      return `cannot reach the S3 store (${where}, ORIGO_S3_ENDPOINT): ${code}`;
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError') return `the S3 store (${where}, ORIGO_S3_ENDPOINT) did not answer in time`;
  }
  return undefined;
}
