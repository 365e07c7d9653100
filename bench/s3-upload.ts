// A 10 MB upload through origo with its blobs in S3, against a bare
// PutObject of the same bytes to the same store in the same run (issue 10's
// target: origo ≤ 1.5× the bare PUT). Origo runs as a child process as users
// run it (SQLite catalog, S3 blob store); the bare PUT runs in this process
// with the client settings origo uses.
//
//   node --import tsx bench/s3-upload.ts     # starts a throwaway radosgw (installs it when missing)
//   ORIGO_TEST_S3_ENDPOINT=... (all five ORIGO_TEST_S3_*) node --import tsx bench/s3-upload.ts   # an existing store (objects stay under bench-*/)
//
// BENCH_S3_ROUNDS (default 8) rounds, each one origo upload and one bare PUT,
// alternating, after one warm-up of each; every upload is different bytes.

import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { ensureServerPackages } from '../scripts/scale-out/install.ts';
import { startRadosgw } from '../scripts/scale-out/radosgw.ts';
import { multipartFrame } from './lib/images.ts';
import { json, runCleanups, startOrigo, uploadBuffer } from './lib/origo.ts';

const ROUNDS = Number(process.env['BENCH_S3_ROUNDS'] ?? 8);
const SIDE = 1826; // 1826² RGB pixels, stored as uncompressed PNG: 10.0 MB

interface Store {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

async function store(): Promise<Store> {
  const env = process.env;
  if (env['ORIGO_TEST_S3_ENDPOINT']) {
    return {
      endpoint: env['ORIGO_TEST_S3_ENDPOINT'],
      bucket: env['ORIGO_TEST_S3_BUCKET']!,
      region: env['ORIGO_TEST_S3_REGION'] ?? 'us-east-1',
      accessKeyId: env['ORIGO_TEST_S3_ACCESS_KEY_ID']!,
      secretAccessKey: env['ORIGO_TEST_S3_SECRET_ACCESS_KEY']!,
      stop: async () => {},
    };
  }
  ensureServerPackages();
  return startRadosgw();
}

/** A PNG of noise, stored uncompressed, so its size is that of its pixels. */
async function noisePng(): Promise<Buffer> {
  return sharp(randomBytes(SIDE * SIDE * 3), { raw: { width: SIDE, height: SIDE, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const s3 = await store();
  const prefix = `bench-${Date.now()}-${randomBytes(3).toString('hex')}/`;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    try {
      await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
    } catch (error) {
      if (!(error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou')) throw error;
    }
    const origo = await startOrigo({
      ORIGO_LOG_LEVEL: 'warn',
      ORIGO_S3_ENDPOINT: s3.endpoint,
      ORIGO_S3_BUCKET: s3.bucket,
      ORIGO_S3_REGION: s3.region,
      ORIGO_S3_ACCESS_KEY_ID: s3.accessKeyId,
      ORIGO_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      ORIGO_S3_PREFIX: `${prefix}origo/`,
    });
    // The same upload with blobs in the data folder: what origo costs before any S3 request.
    const origoFiles = await startOrigo({ ORIGO_LOG_LEVEL: 'warn' });
    const frame = multipartFrame('noise.png', 'image/png');
    const files: Buffer[] = [];
    for (let i = 0; i < ROUNDS + 1; i++) files.push(await noisePng());
    console.log(`file: ${files[0]!.length} bytes (PNG, uncompressed noise), ${ROUNDS} rounds after one warm-up`);

    const origoMs: number[] = [];
    const bareMs: number[] = [];
    const filesMs: number[] = [];
    for (const [i, bytes] of files.entries()) {
      let started = performance.now();
      const res = await uploadBuffer(origo.child.url, frame, bytes);
      const origoTook = performance.now() - started;
      if (res.status !== 200) throw new Error(`origo upload: ${res.status} ${res.body.toString()}`);
      if ((json<{ items: { size: number }[] }>(res).items[0]?.size ?? 0) !== bytes.length)
        throw new Error('origo stored another size');

      started = performance.now();
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `${prefix}bare/${i}`,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
        }),
      );
      const bareTook = performance.now() - started;

      started = performance.now();
      const local = await uploadBuffer(origoFiles.child.url, frame, bytes);
      const filesTook = performance.now() - started;
      if (local.status !== 200) throw new Error(`origo (files) upload: ${local.status} ${local.body.toString()}`);
      if (i === 0) continue; // warm-up: connections, JIT, the first sharp load
      origoMs.push(origoTook);
      bareMs.push(bareTook);
      filesMs.push(filesTook);
      console.log(
        `round ${i}: origo on S3 ${origoTook.toFixed(0)} ms, bare PutObject ${bareTook.toFixed(0)} ms, origo on files ${filesTook.toFixed(0)} ms`,
      );
    }
    await origo.close();
    await origoFiles.close();
    const o = median(origoMs);
    const b = median(bareMs);
    console.log(
      `median: origo on S3 ${o.toFixed(0)} ms, bare PutObject ${b.toFixed(0)} ms, ratio ${(o / b).toFixed(2)}× (target ≤ 1.5×); origo on files ${median(filesMs).toFixed(0)} ms`,
    );
  } finally {
    client.destroy();
    await s3.stop();
    runCleanups();
  }
}

await main();
