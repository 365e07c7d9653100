// download: GET /sourceimages/{org}/{hash}/download of a 10 MiB original on
// origo against a bare node:http server streaming the very same blob file
// from disk with fs.createReadStream; download-small: the same with a
// 100 KB original and more connections, where the cost per request (auth,
// lookup, opening the file) weighs more than the bytes.

import { blobPathOf } from '../../packages/server/test/blob-path.ts';
import { compare, medianOf, noise } from '../lib/compare.ts';
import { multipartFrame, noiseJpeg } from '../lib/images.ts';
import { AUTH, json, ORG, request, startOrigo, uploadBuffer } from '../lib/origo.ts';
import { type Child, startChild } from '../lib/proc.ts';
import { fmt, log, MiB, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 0.8;
export const FILE_BYTES = 10 * MiB;
export const SMALL_FILE_BYTES = 100_000;

export function runDownload(o: BenchOptions): Promise<Row[]> {
  return runDownloadOf(o, { name: 'download', bytes: FILE_BYTES, size: '10 MiB', connections: o.connections.download });
}

export function runDownloadSmall(o: BenchOptions): Promise<Row[]> {
  return runDownloadOf(o, {
    name: 'download-small',
    bytes: SMALL_FILE_BYTES,
    size: '100 KB',
    connections: o.connections.downloadSmall,
  });
}

interface DownloadCase {
  name: string;
  bytes: number;
  /** The file size as the report names it. */
  size: string;
  connections: number;
}

async function runDownloadOf(o: BenchOptions, c: DownloadCase): Promise<Row[]> {
  const origo = await startOrigo();
  let baseline: Child | undefined;
  try {
    const jpeg = await noiseJpeg(c.bytes);
    const up = await uploadBuffer(origo.child.url, multipartFrame('noise.jpg'), jpeg);
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
    const image = json<{ items: { hash: string; binary_hash: string; size: number }[] }>(up).items[0]!;
    const pathname = `/sourceimages/${ORG}/${image.hash}/download`;
    const blobFile = blobPathOf(origo.dataDir, image.binary_hash);

    baseline = await startChild('baseline-static', 'baseline-static.ts', {
      BENCH_FILE: blobFile,
      BENCH_CONTENT_TYPE: 'image/jpeg',
    });
    const [a, b] = await Promise.all([
      request(origo.child.url, 'GET', pathname, { headers: AUTH }),
      request(baseline.url, 'GET', pathname),
    ]);
    if (a.status !== 200 || b.status !== 200 || !a.body.equals(jpeg) || !b.body.equals(jpeg)) {
      throw new Error(
        `downloads differ from the upload: origo ${a.status} ${a.body.length} B, baseline ${b.status} ${b.body.length} B`,
      );
    }
    log(`  file: ${fmt(jpeg.length)} bytes (JPEG of noise); ${c.connections} connections, engine ${o.engine}`);

    const results = await compare(
      {
        label: 'origo',
        gc: origo.child.gc,
        load: {
          url: origo.child.url + pathname,
          headers: AUTH,
          connections: c.connections,
          engine: o.engine,
          serverPid: origo.child.pid,
        },
      },
      {
        label: 'baseline',
        gc: baseline.gc,
        load: {
          url: baseline.url + pathname,
          headers: AUTH,
          connections: c.connections,
          engine: o.engine,
          serverPid: baseline.pid,
        },
      },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'MB' },
    );
    const ma = medianOf(results.origo, (r) => r.bytesPerSec) / 1e6;
    const mb = medianOf(results.baseline, (r) => r.bytesPerSec) / 1e6;
    const gbA = Math.min(...results.origo.map((r) => r.bytes)) / 1e9;
    const ratio = ma / mb;
    const cpuA = medianOf(results.origo, (r) => (r.serverCpuUsPerReq ?? Number.NaN) / 1000);
    const cpuB = medianOf(results.baseline, (r) => (r.serverCpuUsPerReq ?? Number.NaN) / 1000);
    const reqA = medianOf(results.origo, (r) => r.reqPerSec);
    const reqB = medianOf(results.baseline, (r) => r.reqPerSec);
    // CPU per response in ms for large files, in µs for small ones.
    const cpu = (ms: number) => (c.bytes >= MiB ? `${fmt(ms, 2)} ms` : `${fmt(ms * 1000, 1)} µs`);
    log(
      `  median: origo ${fmt(ma)} MB/s, baseline ${fmt(mb)} MB/s -> ratio ${fmt(ratio, 2)} (target >= ${TARGET_RATIO}); origo moved >= ${fmt(gbA, 1)} GB per round`,
    );
    log(
      `  responses per second: origo ${fmt(reqA)}, baseline ${fmt(reqB)}; server CPU per ${c.size} response: origo ${cpu(cpuA)}, baseline ${cpu(cpuB)}`,
    );
    return [
      {
        bench: c.name,
        metric: `MB/s, ${c.size} file (${c.connections} conn, median of ${o.rounds})`,
        origo: fmt(ma),
        baseline: fmt(mb),
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        notes: `server CPU per ${c.size} response: origo ${cpu(cpuA)}, baseline ${cpu(cpuB)}; origo major GCs per round ${results.origo.map((r) => r.gc?.major ?? '?').join('/')}, baseline ${results.baseline.map((r) => r.gc?.major ?? '?').join('/')}; ${noise(results)}`,
      },
    ];
  } finally {
    await baseline?.stop();
    await origo.close();
  }
}
