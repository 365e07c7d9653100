// render-cached: the same render URL requested again and again after one
// render (so every answer comes from origo's render cache) against a bare
// node:http server streaming a file holding the very same rendered bytes
// with fs.createReadStream (bench/baseline-static.ts, as for downloads).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { compare, medianOf, noise } from '../lib/compare.ts';
import { request, tempDir } from '../lib/origo.ts';
import { type Child, startChild } from '../lib/proc.ts';
import { checkRendered, RENDER, renderPath, startRenderOrigo } from '../lib/render-setup.ts';
import { fmt, log, type Row } from '../lib/report.ts';
import type { RenderBenchOptions } from './render-options.ts';

export const TARGET_RATIO = 0.8;

export async function runRenderCached(o: RenderBenchOptions): Promise<Row[]> {
  const setup = await startRenderOrigo();
  const { origo, hash } = setup;
  let baseline: Child | undefined;
  try {
    const pathname = renderPath(hash);
    const rendered = await request(origo.child.url, 'GET', pathname);
    await checkRendered('first render', rendered, RENDER.width, RENDER.height);
    const again = await request(origo.child.url, 'GET', pathname);
    await checkRendered('second request', again, RENDER.width, RENDER.height);
    const source = again.headers['x-origo-render'];
    if (source !== undefined && source !== 'cache') {
      throw new Error(`the second request of ${pathname} was not answered from the cache (X-Origo-Render: ${source})`);
    }
    if (!again.body.equals(rendered.body)) throw new Error('the cached answer differs from the render');

    const file = path.join(tempDir('origo-bench-render-cached-'), 'render.jpg');
    writeFileSync(file, rendered.body);
    baseline = await startChild('baseline-static', 'baseline-static.ts', {
      BENCH_FILE: file,
      BENCH_CONTENT_TYPE: 'image/jpeg',
    });
    const b = await request(baseline.url, 'GET', pathname);
    if (b.status !== 200 || !b.body.equals(rendered.body)) {
      throw new Error(`the baseline answers ${b.status} with ${b.body.length} bytes, not the render`);
    }
    log(
      `  render: ${fmt(rendered.body.length)} bytes; cached answer equal (X-Origo-Render: ${source ?? '-'}, ETag ${again.headers.etag ?? '-'}, ` +
        `Cache-Control ${again.headers['cache-control'] ?? '-'}); ${o.connections.cached} connections, engine ${o.engine}`,
    );

    const load = { connections: o.connections.cached, engine: o.engine };
    const results = await compare(
      {
        label: 'origo',
        gc: origo.child.gc,
        load: { ...load, url: origo.child.url + pathname, serverPid: origo.child.pid },
      },
      { label: 'baseline', gc: baseline.gc, load: { ...load, url: baseline.url + pathname, serverPid: baseline.pid } },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'MB' },
    );
    const reqA = medianOf(results.origo, (r) => r.reqPerSec);
    const reqB = medianOf(results.baseline, (r) => r.reqPerSec);
    const mbA = medianOf(results.origo, (r) => r.bytesPerSec) / 1e6;
    const mbB = medianOf(results.baseline, (r) => r.bytesPerSec) / 1e6;
    const ratio = reqA / reqB;
    const cpuA = medianOf(results.origo, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    const cpuB = medianOf(results.baseline, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    log(
      `  median: origo ${fmt(reqA)} req/s (${fmt(mbA, 1)} MB/s), baseline ${fmt(reqB)} req/s (${fmt(mbB, 1)} MB/s) -> ratio ${fmt(ratio, 2)} (target >= ${TARGET_RATIO})`,
    );
    log(
      `  server CPU per answer: origo ${fmt(cpuA)} µs, baseline ${fmt(cpuB)} µs -> baseline/origo ${fmt(cpuB / cpuA, 2)}`,
    );
    return [
      {
        bench: 'render cached',
        metric: `req/s (MB/s), ${fmt(rendered.body.length / 1000)} KB render (${o.connections.cached} conn, median of ${o.rounds})`,
        origo: `${fmt(reqA)} (${fmt(mbA, 1)} MB/s)`,
        baseline: `${fmt(reqB)} (${fmt(mbB, 1)} MB/s)`,
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        notes: `server CPU per answer: origo ${fmt(cpuA)} µs, baseline ${fmt(cpuB)} µs (CPU-based ratio ${fmt(cpuB / cpuA, 2)}); ${noise(results)}`,
      },
    ];
  } finally {
    await baseline?.stop();
    await origo.close();
  }
}
