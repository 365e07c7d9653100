// A test server's stored blobs, seen (and damaged, planted or removed behind
// its back) without going through origo's own blob store: files under the
// data folder's blobs/, or objects under the server's key prefix in the
// ORIGO_TEST_S3 bucket when the run put its blobs in S3. Blobs are found by
// their key (sha1-sha256), so only planting a new file knows the layout.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { keysUnder, s3TestEnv } from './s3-env.ts';
import { testS3Client } from './test-storage.ts';

/** What says where a server's blobs are: a TestServer. */
export interface BlobsOf {
  dataDir: string;
  /** Set when the blobs are objects under this prefix in ORIGO_TEST_S3_BUCKET. */
  s3Prefix?: string;
  storage: { stagingDir: string };
}

const bucket = () => s3TestEnv.bucket!;

/** The keys of every stored blob, sorted. */
export async function storedBlobKeys(server: BlobsOf): Promise<string[]> {
  if (server.s3Prefix !== undefined) {
    const prefix = server.s3Prefix;
    // Renders share the prefix, in folders below it (<prefix>renders/…); blob keys have no "/".
    return (await keysUnder(testS3Client(), prefix))
      .map((key) => key.slice(prefix.length))
      .filter((key) => !key.includes('/'))
      .sort();
  }
  const root = path.join(server.dataDir, 'blobs');
  const keys: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else keys.push(entry.name);
    }
  };
  walk(root);
  return keys.sort();
}

/** The uploads being staged (the data folder's tmp), on every configuration local files. */
export function stagedFiles(server: BlobsOf): string[] {
  return readdirSync(server.storage.stagingDir);
}

/** The stored blobs and the uploads being staged. */
export async function blobFiles(server: BlobsOf): Promise<{ blobs: string[]; temp: string[] }> {
  return { blobs: await storedBlobKeys(server), temp: stagedFiles(server) };
}

/** The key of the one stored blob of these bytes, found by their sha1. */
export async function blobKeyOf(server: BlobsOf, binaryHash: string): Promise<string> {
  const key = (await storedBlobKeys(server)).find((k) => k.startsWith(`${binaryHash}-`));
  if (key === undefined) throw new Error(`no blob for ${binaryHash}`);
  return key;
}

const objectKey = (server: BlobsOf, key: string) => `${server.s3Prefix}${key}`;

function fileOf(server: BlobsOf, key: string): string {
  const file = storedFileOf(server, key);
  if (file === undefined) throw new Error(`no blob ${key} under ${path.join(server.dataDir, 'blobs')}`);
  return file;
}

export async function readBlob(server: BlobsOf, key: string): Promise<Buffer> {
  if (server.s3Prefix === undefined) return readFileSync(fileOf(server, key));
  const got = await testS3Client().send(new GetObjectCommand({ Bucket: bucket(), Key: objectKey(server, key) }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

/**
 * Stores `bytes` under `key` whatever they are: replaces a blob (damage) or
 * plants one no row uses. A file is rewritten in place, as a disk or another
 * program would; an object is put anew.
 */
export async function writeBlob(server: BlobsOf, key: string, bytes: Buffer | string): Promise<void> {
  if (server.s3Prefix === undefined) {
    const existing = storedFileOf(server, key);
    if (existing !== undefined) {
      writeFileSync(existing, bytes);
      return;
    }
    // The file store's layout: blobs/<k[0..2]>/<k[2..4]>/<key>.
    const dir = path.join(server.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, key), bytes);
    return;
  }
  await testS3Client().send(new PutObjectCommand({ Bucket: bucket(), Key: objectKey(server, key), Body: bytes }));
}

export async function removeBlob(server: BlobsOf, key: string): Promise<void> {
  if (server.s3Prefix === undefined) {
    rmSync(fileOf(server, key));
    return;
  }
  await testS3Client().send(new DeleteObjectCommand({ Bucket: bucket(), Key: objectKey(server, key) }));
}

/** Appends bytes to a stored blob. */
export async function appendToBlob(server: BlobsOf, key: string, extra: Buffer | string): Promise<void> {
  await writeBlob(server, key, Buffer.concat([await readBlob(server, key), Buffer.from(extra)]));
}

/** Cuts a stored blob to its first `length` bytes. */
export async function truncateBlob(server: BlobsOf, key: string, length: number): Promise<void> {
  await writeBlob(server, key, (await readBlob(server, key)).subarray(0, length));
}

function storedFileOf(server: BlobsOf, key: string): string | undefined {
  const root = path.join(server.dataDir, 'blobs');
  const rel = readdirSync(root, { recursive: true })
    .map(String)
    .find((p) => path.basename(p) === key);
  return rel === undefined ? undefined : path.join(root, rel);
}

/** The file of a blob in the file store (for a test about files by nature: change times, open files). */
export function blobFileOf(server: BlobsOf, key: string): string {
  if (server.s3Prefix !== undefined) throw new Error(`blob ${key} is an object in S3, not a file`);
  return fileOf(server, key);
}
