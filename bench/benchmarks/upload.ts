// upload: latency of a multipart upload of a 10 MiB JPEG to origo against
// the floor of what storing it durably needs (issue 11): in this process,
// sha1 and sha256 of the bytes, write them to a new file in origo's data
// folder, fsync, rename it into a folder and fsync that folder. Every
// iteration uploads distinct bytes (a COM segment with a counter right after
// the SOI), so nothing is de-duplicated.

import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { multipartFrame, noiseJpeg, withComment } from '../lib/images.ts';
import { AUTH, json, ORG, type Response, request, startOrigo } from '../lib/origo.ts';
import { type Child, cpuMs, machineCpuMs, startChild } from '../lib/proc.ts';
import { fmt, log, MiB, median, quantile, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 1.5;
const WARMUP = 3;

/** The floor: sha1 + sha256, write, fsync, rename into place, fsync of the folder. */
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
  if (res.status !== 200 || json<{ size: number }>(res).size !== bytes.length)
    throw new Error(`http floor: ${res.status} ${res.body.toString()}`);
  return ms;
}

export async function runUpload(o: BenchOptions): Promise<Row[]> {
  const origo = await startOrigo();
  let httpFloor: Child | undefined;
  try {
    httpFloor = await startChild('baseline-upload', 'baseline-upload.ts', { BENCH_DIR: origo.dataDir });
    const httpFloorUrl = httpFloor.url;
    const httpFloorPid = httpFloor.pid;
    const base = await noiseJpeg(10 * MiB);
    const frame = multipartFrame('noise.jpg');
    const runId = randomBytes(6).toString('hex');
    const seen = new Set<string>();

    const upload = async (bytes: Buffer): Promise<{ ms: number; cpuMs: number }> => {
      // The body is built before the clock starts: only sending it is timed.
      const body = Buffer.concat([frame.head, bytes, frame.tail]);
      const cpu0 = cpuMs(origo.child.pid);
      const t0 = performance.now();
      const res: Response = await request(origo.child.url, 'POST', `/sourceimages/${ORG}`, {
        headers: { ...AUTH, 'content-type': frame.contentType },
        body,
      });
      const ms = performance.now() - t0;
      const cpu = cpuMs(origo.child.pid) - cpu0;
      if (res.status !== 200) throw new Error(`upload: ${res.status} ${res.body.toString()}`);
      const item = json<{ items: { hash: string; size: number }[] }>(res).items[0]!;
      if (seen.has(item.hash) || item.size !== bytes.length)
        throw new Error('an upload was de-duplicated or stored with a wrong size');
      seen.add(item.hash);
      return { ms, cpuMs: cpu };
    };

    log(
      `  file: ${fmt(base.length)} bytes (JPEG of noise) + a COM segment per upload; ${WARMUP} warm-up then ${o.uploads} measured`,
    );
    const origoMs: number[] = [];
    const designMs: number[] = [];
    const httpMs: number[] = [];
    let origoCpuMs = 0;
    // What else ran on the machine meanwhile: all CPU time but this process and its two servers'.
    let ours0 = 0;
    let machine0 = machineCpuMs();
    let t0 = performance.now();
    const oursMs = () => {
      const self = process.cpuUsage();
      return (self.user + self.system) / 1000 + cpuMs(origo.child.pid) + cpuMs(httpFloorPid);
    };
    for (let i = 0; i < WARMUP + o.uploads; i++) {
      if (i === WARMUP) {
        ours0 = oursMs();
        machine0 = machineCpuMs();
        t0 = performance.now();
      }
      const bytes = withComment(base, `origo-bench ${runId} ${i}`);
      // Alternate which goes first, so drift in the machine hits all alike.
      let origoRun = { ms: 0, cpuMs: 0 };
      const steps: (() => Promise<number>)[] = [
        async () => {
          origoRun = await upload(bytes);
          return origoRun.ms;
        },
        () => designFloor(origo.dataDir, bytes, i),
        () => rawPost(httpFloorUrl, bytes),
      ];
      if (i % 2 === 1) steps.reverse();
      const times: number[] = [];
      for (const step of steps) times.push(await step());
      if (i % 2 === 1) times.reverse();
      if (i < WARMUP) continue;
      origoMs.push(times[0]!);
      designMs.push(times[1]!);
      httpMs.push(times[2]!);
      origoCpuMs += origoRun.cpuMs;
    }
    const elapsedMs = performance.now() - t0;
    const machine1 = machineCpuMs();
    const otherLoad = Math.max(0, machine1.busy - machine0.busy - (oursMs() - ours0)) / elapsedMs;
    const steal = (machine1.steal - machine0.steal) / elapsedMs;
    const a = median(origoMs);
    const d = median(designMs);
    const h = median(httpMs);
    const ratio = a / d;
    const cpuPerUpload = origoCpuMs / o.uploads;
    const spread = (v: number[]) =>
      `median ${fmt(median(v), 1)}  p90 ${fmt(quantile(v, 0.9), 1)}  min ${fmt(Math.min(...v), 1)}  max ${fmt(Math.max(...v), 1)}`;
    log(`  origo upload ms: ${spread(origoMs)}; server CPU ${fmt(cpuPerUpload, 1)} ms per upload`);
    log(`  floor (sha1+sha256+write+fsync+rename+dir fsync) ms: ${spread(designMs)}`);
    log(
      `  http floor (bare node:http, raw body streamed through sha1 to a file, fsync) ms: ${spread(httpMs)}  (context only)`,
    );
    log(`  other load ${fmt(otherLoad * 100)}% of a core, steal ${fmt(steal * 100)}%`);
    log(`  ratio origo/floor ${fmt(ratio, 2)} (target <= ${TARGET_RATIO}); origo/http floor ${fmt(a / h, 2)}`);
    return [
      {
        bench: 'upload',
        metric: `ms per 10 MiB upload (median of ${o.uploads})`,
        origo: fmt(a, 1),
        baseline: `${fmt(d, 1)} (sha1+sha256+write+fsync+rename+dir fsync)`,
        ratio: fmt(ratio, 2),
        target: `<= ${TARGET_RATIO}`,
        met: ratio <= TARGET_RATIO,
        notes:
          `server CPU ${fmt(cpuPerUpload, 1)} ms per upload; context: http floor (bare node:http streaming the raw body through sha1 to a file + fsync) ` +
          `${fmt(h, 1)} ms (origo/that ${fmt(a / h, 2)}); other load ${fmt(otherLoad * 100)}% of a core, steal ${fmt(steal * 100)}%`,
      },
    ];
  } finally {
    await httpFloor?.stop();
    await origo.close();
  }
}
