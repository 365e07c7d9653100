// render-uncached: GET /render/{org}/dynamic/resize-width-720-height-588/{hash}/pic-v<N>.jpg
// of a 2725 x 2225 JPEG on origo, every request a URL no earlier one asked
// for (so each is decoded, resized, encoded and kept in the render cache),
// against a bare node:http server running
// sharp(buf).resize(720, 588, { fit: 'inside' }).jpeg({ quality: 80 })
// on the same source bytes held in memory. Renders per second at one
// request in flight per core, and server CPU per render.

import { medianOf, noise } from '../lib/compare.ts';
import { request } from '../lib/origo.ts';
import { type Child, startChild } from '../lib/proc.ts';
import { compareFresh } from '../lib/render-rounds.ts';
import {
  cacheBusterWorks,
  checkRendered,
  countFiles,
  DistinctRenders,
  RENDER,
  renderPath,
  startRenderOrigo,
} from '../lib/render-setup.ts';
import { fmt, log, type Row } from '../lib/report.ts';
import type { RenderBenchOptions } from './render-options.ts';

export const TARGET_RATIO = 0.8;

/** Distinct URLs handed to one run: far more than 2 cores can render in it, so none repeats. */
function urlsPerRun(durationMs: number): number {
  return Math.max(1000, Math.ceil((durationMs / 1000) * 500));
}

export async function runRenderUncached(o: RenderBenchOptions): Promise<Row[]> {
  const setup = await startRenderOrigo();
  const { origo, hash } = setup;
  let baseline: Child | undefined;
  try {
    const probe = await cacheBusterWorks(setup);
    const distinct = new DistinctRenders(hash, probe.works ? 'cache buster' : 'resize size');
    log(
      probe.works
        ? `  distinct renders by cache buster (/${hash}/pic-v<N>.jpg): ${probe.why}`
        : `  !! the cache buster is not in effect (${probe.why}); distinct renders by resize size instead (720x588, 719x588, …)`,
    );

    baseline = await startChild('baseline-sharp', 'baseline-sharp.ts', {
      BENCH_FILE: setup.sourceFile,
      BENCH_WIDTH: String(RENDER.width),
      BENCH_HEIGHT: String(RENDER.height),
      BENCH_QUALITY: String(RENDER.quality),
    });
    const first = distinct.next();
    const a = await request(origo.child.url, 'GET', first.path);
    await checkRendered(`origo ${first.path}`, a, first.width, first.height);
    const b = await request(baseline.url, 'GET', renderPath(hash));
    await checkRendered('baseline', b, RENDER.width, RENDER.height);
    log(
      `  answers: origo ${a.headers['content-type']} ${first.width}x${first.height}, ${fmt(a.body.length)} bytes (X-Origo-Render: ${a.headers['x-origo-render'] ?? '-'}); ` +
        `baseline ${b.headers['content-type']} ${RENDER.width}x${RENDER.height}, ${fmt(b.body.length)} bytes; ${o.connections.uncached} connections, engine ${o.engine}`,
    );

    const perRun = urlsPerRun(Math.max(o.durationMs, o.warmupMs));
    const kept: { requests: number; files: number }[] = [];
    let filesBefore = 0;
    const load = { connections: o.connections.uncached, engine: o.engine };
    const results = await compareFresh(
      {
        label: 'origo',
        gc: origo.child.gc,
        load: () => {
          filesBefore = countFiles(origo.dataDir);
          return {
            ...load,
            url: origo.child.url + first.path,
            variants: distinct.take(perRun),
            serverPid: origo.child.pid,
          };
        },
        check: (r) => {
          if (r.requests >= perRun)
            throw new Error(`origo answered all ${perRun} distinct URLs of a round: raise urlsPerRun`);
          kept.push({ requests: r.requests, files: countFiles(origo.dataDir) - filesBefore });
        },
      },
      {
        label: 'baseline',
        gc: baseline.gc,
        load: () => ({ ...load, url: baseline!.url + renderPath(hash), serverPid: baseline!.pid }),
      },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs },
    );

    const rateA = medianOf(results.origo, (r) => r.reqPerSec);
    const rateB = medianOf(results.baseline, (r) => r.reqPerSec);
    const ratio = rateA / rateB;
    const cpuA = medianOf(results.origo, (r) => (r.serverCpuUsPerReq ?? Number.NaN) / 1000);
    const cpuB = medianOf(results.baseline, (r) => (r.serverCpuUsPerReq ?? Number.NaN) / 1000);
    const p50A = medianOf(results.origo, (r) => r.latencyMs.p50);
    const p50B = medianOf(results.baseline, (r) => r.latencyMs.p50);
    const keptText = kept.map((k) => `${k.files}/${k.requests}`).join(', ');
    log(
      `  median: origo ${fmt(rateA, 1)} renders/s, baseline ${fmt(rateB, 1)} renders/s -> ratio ${fmt(ratio, 2)} (target >= ${TARGET_RATIO})`,
    );
    log(
      `  server CPU per render: origo ${fmt(cpuA, 2)} ms, baseline ${fmt(cpuB, 2)} ms -> baseline/origo ${fmt(cpuB / cpuA, 2)}; ` +
        `renders kept by origo per round (files/requests): ${keptText}`,
    );
    return [
      {
        bench: 'render uncached',
        metric: `renders/s, ${RENDER.width}x${RENDER.height} q${RENDER.quality} of 2725x2225 (${o.connections.uncached} conn, median of ${o.rounds})`,
        origo: `${fmt(rateA, 1)} (p50 ${fmt(p50A)} ms, ${fmt(cpuA, 1)} ms CPU)`,
        baseline: `${fmt(rateB, 1)} (p50 ${fmt(p50B)} ms, ${fmt(cpuB, 1)} ms CPU)`,
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        notes:
          `distinct by ${distinct.by}; server CPU per render origo ${fmt(cpuA, 2)} ms, baseline ${fmt(cpuB, 2)} ms (CPU-based ratio ${fmt(cpuB / cpuA, 2)}); ` +
          `renders kept per round ${keptText} (files/requests); ${noise(results)}`,
      },
    ];
  } finally {
    await baseline?.stop();
    await origo.close();
  }
}
