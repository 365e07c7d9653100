// upload: latency of a multipart upload of a 10 MiB JPEG to origo against
// the floor of what storing it durably needs: in this process, sha1 of the
// bytes, write them to a new file in origo's data folder, fsync, close.
// Every iteration uploads distinct bytes (a COM segment with a counter right
// after the SOI), so nothing is de-duplicated.

import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { multipartFrame, noiseJpeg, withComment } from '../lib/images.ts';
import { AUTH, json, ORG, type Response, request, startOrigo } from '../lib/origo.ts';
import { type Child, startChild } from '../lib/proc.ts';
import { fmt, log, median, MiB, quantile, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 1.5;
const WARMUP = 3;

/** The floor: sha1 + write + fsync + close of a new file. */
async function floor(dir: string, bytes: Buffer, i: number): Promise<number> {
  const file = path.join(dir, `floor-${i}.tmp`);
  const t0 = performance.now();
  createHash('sha1').update(bytes).digest('hex');
  const fh = await open(file, 'wx');
  try {
    await fh.write(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  const ms = performance.now() - t0;
  await rm(file, { force: true });
  return ms;
}

/**
 * What origo's design needs at least, for context (not the target): sha1 and
 * sha256, write, fsync, rename into a fresh folder and fsync that folder.
 */
async function designFloor(dir: string, bytes: Buffer, i: number): Promise<number> {
  const file = path.join(dir, `floor-${i}.tmp`);
  const target = path.join(dir, `floor-${i}.blob`);
  const t0 = performance.now();
  createHash('sha1').update(bytes).digest('hex');
  createHash('sha256').update(bytes).digest('hex');
  const fh = await open(file, 'wx');
  try {
    await fh.write(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(file, target);
  const dh = await open(dir, 'r');
  await dh.sync();
  await dh.close();
  const ms = performance.now() - t0;
  await rm(target, { force: true });
  return ms;
}

/** POSTs the raw bytes to the http-floor server; ms until its answer. */
async function rawPost(url: string, bytes: Buffer): Promise<number> {
  const t0 = performance.now();
  const res = await request(url, 'POST', '/', { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  const ms = performance.now() - t0;
  if (res.status !== 200 || json<{ size: number }>(res).size !== bytes.length) throw new Error(`http floor: ${res.status} ${res.body.toString()}`);
  return ms;
}

export async function runUpload(o: BenchOptions): Promise<Row[]> {
  const origo = await startOrigo();
  let httpFloor: Child | undefined;
  try {
    httpFloor = await startChild('baseline-upload', 'baseline-upload.ts', { BENCH_DIR: origo.dataDir });
    const httpFloorUrl = httpFloor.url;
    const base = await noiseJpeg(10 * MiB);
    const frame = multipartFrame('noise.jpg');
    const runId = randomBytes(6).toString('hex');
    const seen = new Set<string>();

    const upload = async (bytes: Buffer): Promise<number> => {
      // The body is built before the clock starts: only sending it is timed.
      const body = Buffer.concat([frame.head, bytes, frame.tail]);
      const t0 = performance.now();
      const res: Response = await request(origo.child.url, 'POST', `/sourceimages/${ORG}`, {
        headers: { ...AUTH, 'content-type': frame.contentType },
        body,
      });
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`upload: ${res.status} ${res.body.toString()}`);
      const item = json<{ items: { hash: string; size: number }[] }>(res).items[0]!;
      if (seen.has(item.hash) || item.size !== bytes.length) throw new Error('an upload was de-duplicated or stored with a wrong size');
      seen.add(item.hash);
      return ms;
    };

    log(`  file: ${fmt(base.length)} bytes (JPEG of noise) + a COM segment per upload; ${WARMUP} warm-up then ${o.uploads} measured`);
    const origoMs: number[] = [];
    const floorMs: number[] = [];
    const designMs: number[] = [];
    const httpMs: number[] = [];
    for (let i = 0; i < WARMUP + o.uploads; i++) {
      const bytes = withComment(base, `origo-bench ${runId} ${i}`);
      // Alternate which goes first, so drift in the machine hits both alike.
      const steps = [
        () => upload(bytes),
        () => floor(origo.dataDir, bytes, i),
        () => designFloor(origo.dataDir, bytes, i),
        () => rawPost(httpFloorUrl, bytes),
      ];
      if (i % 2 === 1) steps.reverse();
      const times: number[] = [];
      for (const step of steps) times.push(await step());
      if (i % 2 === 1) times.reverse();
      if (i < WARMUP) continue;
      origoMs.push(times[0]!);
      floorMs.push(times[1]!);
      designMs.push(times[2]!);
      httpMs.push(times[3]!);
    }
    const a = median(origoMs);
    const b = median(floorMs);
    const d = median(designMs);
    const h = median(httpMs);
    const ratio = a / b;
    log(`  origo  upload ms: median ${fmt(a, 1)}  p90 ${fmt(quantile(origoMs, 0.9), 1)}  min ${fmt(Math.min(...origoMs), 1)}  max ${fmt(Math.max(...origoMs), 1)}`);
    log(`  floor  (sha1+write+fsync) ms: median ${fmt(b, 1)}  p90 ${fmt(quantile(floorMs, 0.9), 1)}  min ${fmt(Math.min(...floorMs), 1)}  max ${fmt(Math.max(...floorMs), 1)}`);
    log(`  design floor (sha1+sha256+write+fsync+rename+dir fsync) ms: median ${fmt(d, 1)}  (context only)`);
    log(`  http floor (bare node:http, raw body streamed through sha1 to a file, fsync) ms: median ${fmt(h, 1)}  (context only)`);
    log(`  ratio origo/floor ${fmt(ratio, 2)} (target <= ${TARGET_RATIO}); origo/design floor ${fmt(a / d, 2)}; origo/http floor ${fmt(a / h, 2)}`);
    return [
      {
        bench: 'upload',
        metric: `ms per 10 MiB upload (median of ${o.uploads})`,
        origo: fmt(a, 1),
        baseline: `${fmt(b, 1)} (sha1+write+fsync)`,
        ratio: fmt(ratio, 2),
        target: `<= ${TARGET_RATIO}`,
        met: ratio <= TARGET_RATIO,
        notes:
          `context: in-process design floor (sha1+sha256+write+fsync+rename+dir fsync) ${fmt(d, 1)} ms (origo/that ${fmt(a / d, 2)}); ` +
          `http floor (bare node:http streaming the raw body through sha1 to a file + fsync) ${fmt(h, 1)} ms (origo/that ${fmt(a / h, 2)})`,
      },
    ];
  } finally {
    await httpFloor?.stop();
    await origo.close();
  }
}
