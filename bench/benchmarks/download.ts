// download: GET /sourceimages/{org}/{hash}/download of a 10 MiB original on
// origo against a bare node:http server streaming the very same blob file
// from disk with fs.createReadStream.

import { blobPathOf } from '../../packages/server/test/blob-path.ts';
import { compare, medianOf, noise } from '../lib/compare.ts';
import { multipartFrame, noiseJpeg } from '../lib/images.ts';
import { AUTH, json, ORG, request, startOrigo, uploadBuffer } from '../lib/origo.ts';
import { type Child, startChild } from '../lib/proc.ts';
import { fmt, log, MiB, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 0.8;
export const FILE_BYTES = 10 * MiB;

export async function runDownload(o: BenchOptions): Promise<Row[]> {
  const origo = await startOrigo();
  let baseline: Child | undefined;
  try {
    const jpeg = await noiseJpeg(FILE_BYTES);
    const up = await uploadBuffer(origo.child.url, multipartFrame('noise.jpg'), jpeg);
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
    const image = json<{ items: { hash: string; binary_hash: string; size: number }[] }>(up).items[0]!;
    const pathname = `/sourceimages/${ORG}/${image.hash}/download`;
    const blobFile = blobPathOf(origo.dataDir, image.binary_hash);

    baseline = await startChild('baseline-static', 'baseline-static.ts', { BENCH_FILE: blobFile, BENCH_CONTENT_TYPE: 'image/jpeg' });
    const [a, b] = await Promise.all([request(origo.child.url, 'GET', pathname, { headers: AUTH }), request(baseline.url, 'GET', pathname)]);
    if (a.status !== 200 || b.status !== 200 || !a.body.equals(jpeg) || !b.body.equals(jpeg)) {
      throw new Error(`downloads differ from the upload: origo ${a.status} ${a.body.length} B, baseline ${b.status} ${b.body.length} B`);
    }
    log(`  file: ${fmt(jpeg.length)} bytes (JPEG of noise); ${o.connections.download} connections, engine ${o.engine}`);

    const results = await compare(
      { label: 'origo', gc: origo.child.gc, load: { url: origo.child.url + pathname, headers: AUTH, connections: o.connections.download, engine: o.engine, serverPid: origo.child.pid } },
      { label: 'baseline', gc: baseline.gc, load: { url: baseline.url + pathname, headers: AUTH, connections: o.connections.download, engine: o.engine, serverPid: baseline.pid } },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'MB' },
    );
    const ma = medianOf(results.origo, (r) => r.bytesPerSec) / 1e6;
    const mb = medianOf(results.baseline, (r) => r.bytesPerSec) / 1e6;
    const gbA = Math.min(...results.origo.map((r) => r.bytes)) / 1e9;
    const ratio = ma / mb;
    const cpuA = medianOf(results.origo, (r) => (r.serverCpuUsPerReq ?? Number.NaN) / 1000);
    const cpuB = medianOf(results.baseline, (r) => (r.serverCpuUsPerReq ?? Number.NaN) / 1000);
    log(`  median: origo ${fmt(ma)} MB/s, baseline ${fmt(mb)} MB/s -> ratio ${fmt(ratio, 2)} (target >= ${TARGET_RATIO}); origo moved >= ${fmt(gbA, 1)} GB per round`);
    log(`  server CPU per 10 MiB response: origo ${fmt(cpuA, 2)} ms, baseline ${fmt(cpuB, 2)} ms`);
    return [
      {
        bench: 'download',
        metric: `MB/s, 10 MiB file (${o.connections.download} conn, median of ${o.rounds})`,
        origo: fmt(ma),
        baseline: fmt(mb),
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        notes: `server CPU per 10 MiB response: origo ${fmt(cpuA, 2)} ms, baseline ${fmt(cpuB, 2)} ms; origo major GCs per round ${results.origo.map((r) => r.gc?.major ?? '?').join('/')}, baseline ${results.baseline.map((r) => r.gc?.major ?? '?').join('/')}; ${noise(results)}`,
      },
    ];
  } finally {
    await baseline?.stop();
    await origo.close();
  }
}
