// render-memory: origo's RSS before and at its peak while 8 clients ask for
// distinct uncached renders of the 2725 x 2225 JPEG at once, each sending
// the next as soon as its answer is in, for a round's duration. For
// comparison, the same load on the bare sharp server (which renders all 8
// at once; origo's decode queue lets as many run as it has places).

import { setTimeout as sleep } from 'node:timers/promises';
import { type LoadResult, runLoad } from '../lib/load.ts';
import { request } from '../lib/origo.ts';
import { type Child, memory, resetPeakRss, startChild } from '../lib/proc.ts';
import { cacheBusterWorks, DistinctRenders, RENDER, renderPath, startRenderOrigo } from '../lib/render-setup.ts';
import { fmt, log, MiB, median, type Row } from '../lib/report.ts';
import type { RenderBenchOptions } from './render-options.ts';

interface Peak {
  before: number;
  peak: number;
  after: number;
  /** Whether VmHWM could be reset before the load (else only the 10 ms samples count). */
  hwm: boolean;
  load: LoadResult;
}

/** RSS of `pid` at rest (median of 5 samples), then its peak while `work` runs. */
async function peakDuring(pid: number, work: () => Promise<LoadResult>): Promise<Peak> {
  await sleep(1000);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(memory(pid).rss);
    await sleep(50);
  }
  const before = median(samples);
  const hwm = resetPeakRss(pid);
  let sampled = memory(pid).rss;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, memory(pid).rss);
  }, 10);
  let load: LoadResult;
  try {
    load = await work();
  } finally {
    clearInterval(sampler);
  }
  const after = memory(pid);
  return { before, peak: Math.max(sampled, hwm ? after.hwm : 0), after: after.rss, hwm, load };
}

const mib = (n: number) => `${fmt(n / MiB, 1)} MiB`;

function failures(r: LoadResult): number {
  return r.errors + Object.entries(r.statuses).reduce((n, [s, count]) => (s === '200' ? n : n + count), 0);
}

export async function runRenderMemory(o: RenderBenchOptions): Promise<Row[]> {
  const setup = await startRenderOrigo();
  const { origo, hash } = setup;
  let baseline: Child | undefined;
  try {
    // Also the warm-up: the render code loaded, a render made and kept.
    const probe = await cacheBusterWorks(setup);
    const distinct = new DistinctRenders(hash, probe.works ? 'cache buster' : 'resize size');
    if (!probe.works) log(`  !! the cache buster is not in effect (${probe.why}); distinct renders by resize size`);
    const warm = await Promise.all(distinct.take(4).map((v) => request(origo.child.url, 'GET', v.path)));
    if (warm.some((r) => r.status !== 200)) throw new Error(`warm-up renders: ${warm.map((r) => r.status).join(', ')}`);

    const connections = o.connections.memory;
    const seconds = o.durationMs / 1000;
    log(`  ${connections} clients asking for distinct uncached renders for ${fmt(seconds, 1)} s`);
    const a = await peakDuring(origo.child.pid, () =>
      runLoad({
        url: origo.child.url + renderPath(hash),
        variants: distinct.take(Math.max(1000, Math.ceil(seconds * 500))),
        connections,
        durationMs: o.durationMs,
        engine: o.engine,
        serverPid: origo.child.pid,
      }),
    );
    log(
      `    origo:    before ${mib(a.before)}, peak ${mib(a.peak)} (+${mib(a.peak - a.before)}), after ${mib(a.after)}; ` +
        `${a.load.requests} renders (${fmt(a.load.reqPerSec, 1)}/s, p50 ${fmt(a.load.latencyMs.p50)} ms, p99 ${fmt(a.load.latencyMs.p99)} ms), statuses ${JSON.stringify(a.load.statuses)}`,
    );

    baseline = await startChild('baseline-sharp', 'baseline-sharp.ts', {
      BENCH_FILE: setup.sourceFile,
      BENCH_WIDTH: String(RENDER.width),
      BENCH_HEIGHT: String(RENDER.height),
      BENCH_QUALITY: String(RENDER.quality),
    });
    const bUrl = baseline.url + renderPath(hash);
    await Promise.all(Array.from({ length: 4 }, () => request(baseline!.url, 'GET', renderPath(hash))));
    const b = await peakDuring(baseline.pid, () =>
      runLoad({ url: bUrl, connections, durationMs: o.durationMs, engine: o.engine, serverPid: baseline!.pid }),
    );
    log(
      `    baseline: before ${mib(b.before)}, peak ${mib(b.peak)} (+${mib(b.peak - b.before)}), after ${mib(b.after)}; ` +
        `${b.load.requests} renders (${fmt(b.load.reqPerSec, 1)}/s, p50 ${fmt(b.load.latencyMs.p50)} ms, p99 ${fmt(b.load.latencyMs.p99)} ms), statuses ${JSON.stringify(b.load.statuses)}`,
    );
    const how = a.hwm ? 'VmHWM reset before the load, and 10 ms samples of VmRSS' : '10 ms samples of VmRSS only';
    const bad = failures(a.load);
    return [
      {
        bench: 'render memory',
        metric: `server RSS, ${connections} concurrent distinct uncached renders for ${fmt(seconds, 1)} s`,
        origo: `peak ${mib(a.peak)} (before ${mib(a.before)}, +${mib(a.peak - a.before)})`,
        baseline: `peak ${mib(b.peak)} (before ${mib(b.before)}, +${mib(b.peak - b.before)})`,
        ratio: '-',
        // No target is set; the figures are reported. "met" says every render was answered 200.
        target: '-',
        met: bad === 0 && a.load.requests > 0,
        notes:
          `${how}; distinct by ${distinct.by}; origo ${a.load.requests} renders, ${bad} not 200; ` +
          `baseline (bare sharp, all ${connections} at once) ${b.load.requests} renders`,
      },
    ];
  } finally {
    await baseline?.stop();
    await origo.close();
  }
}
