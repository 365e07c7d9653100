// Interleaved measurement rounds of origo against its baseline.

import type { GcTotals } from './gc-probe.ts';
import { type LoadOptions, type LoadResult, runLoad } from './load.ts';
import { fmt, log, median } from './report.ts';

export interface Target {
  label: string;
  load: Omit<LoadOptions, 'durationMs'>;
  /** The server's GC totals, to report the collections of each round. */
  gc?: () => Promise<GcTotals | undefined>;
}

export interface Round extends LoadResult {
  /** Garbage collections in the server during the round. */
  gc: GcTotals | undefined;
}

export interface Comparison {
  origo: Round[];
  baseline: Round[];
}

async function measure(t: Target, durationMs: number): Promise<Round> {
  const before = await t.gc?.();
  const r = await runLoad({ ...t.load, durationMs });
  const after = await t.gc?.();
  const gc =
    before && after
      ? {
          minor: after.minor - before.minor,
          major: after.major - before.major,
          pauseMs: after.pauseMs - before.pauseMs,
        }
      : undefined;
  return { ...r, gc };
}

function describe(label: string, r: Round, unit: 'req' | 'MB'): string {
  const rate =
    unit === 'req' ? `${fmt(r.reqPerSec)} req/s` : `${fmt(r.bytesPerSec / 1e6, 1)} MB/s (${fmt(r.reqPerSec, 1)} req/s)`;
  const bad = Object.entries(r.statuses).filter(([s]) => !s.startsWith('2'));
  return (
    `    ${label.padEnd(9)} ${rate.padEnd(unit === 'req' ? 14 : 28)} p50 ${fmt(r.latencyMs.p50, 2)} ms  p99 ${fmt(r.latencyMs.p99, 2)} ms  ` +
    `cpu: client ${fmt(r.clientCpu * 100)}%, server ${r.serverCpu === undefined ? '?' : fmt(r.serverCpu * 100)}% = ${r.serverCpuUsPerReq === undefined ? '?' : fmt(r.serverCpuUsPerReq, unit === 'req' ? 1 : 0)} µs/req` +
    `  other load ${fmt(r.otherCpu * 100)}%, steal ${fmt(r.stealCpu * 100)}%` +
    (r.gc ? `  gc: ${r.gc.major} major, ${r.gc.minor} minor, ${fmt(r.gc.pauseMs)} ms paused` : '') +
    (bad.length > 0 || r.errors > 0
      ? `  !! non-200: ${JSON.stringify(Object.fromEntries(bad))} errors: ${r.errors}`
      : '')
  );
}

/** Warm-up of each target, then `rounds` rounds alternating which goes first. */
export async function compare(
  origo: Target,
  baseline: Target,
  opts: { rounds: number; durationMs: number; warmupMs: number; unit: 'req' | 'MB' },
): Promise<Comparison> {
  log(`  warm-up ${opts.warmupMs} ms each`);
  await runLoad({ ...origo.load, durationMs: opts.warmupMs });
  await runLoad({ ...baseline.load, durationMs: opts.warmupMs });
  const out: Comparison = { origo: [], baseline: [] };
  for (let round = 0; round < opts.rounds; round++) {
    log(`  round ${round + 1}/${opts.rounds} (${opts.durationMs} ms each)`);
    const order = round % 2 === 0 ? [origo, baseline] : [baseline, origo];
    for (const t of order) {
      const r = await measure(t, opts.durationMs);
      (t === origo ? out.origo : out.baseline).push(r);
      log(describe(t.label, r, opts.unit));
      const ok = Object.entries(r.statuses).reduce((n, [s, count]) => (s.startsWith('2') ? n + count : n), 0);
      const failed = r.requests - ok;
      if (failed > 0 || r.errors > 0 || r.requests === 0) {
        throw new Error(`${t.label}: ${failed} responses were not 2xx and ${r.errors} requests failed`);
      }
    }
  }
  return out;
}

export function medianOf(results: Round[], pick: (r: Round) => number): number {
  return median(results.map(pick));
}

/** The noise around a comparison: median CPU of other processes and hypervisor steal during its rounds. */
export function noise(c: Comparison): string {
  const all = [...c.origo, ...c.baseline];
  return `other load ${fmt(median(all.map((r) => r.otherCpu)) * 100)}% of a core, steal ${fmt(median(all.map((r) => r.stealCpu)) * 100)}% (medians over rounds)`;
}
