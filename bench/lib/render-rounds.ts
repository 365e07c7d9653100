// Interleaved rounds, as compare.ts runs them, for loads that must not
// repeat a request: each run (warm-up and every round) takes its load
// options afresh, so an uncached-render run can ask only for URLs no
// earlier run asked for.

import type { Comparison, Round } from './compare.ts';
import type { GcTotals } from './gc-probe.ts';
import { type LoadOptions, runLoad } from './load.ts';
import { fmt, log } from './report.ts';

export interface FreshTarget {
  label: string;
  /** The load of the next run; called once per run. */
  load: () => Omit<LoadOptions, 'durationMs'>;
  gc?: () => Promise<GcTotals | undefined>;
  /** Called after each measured round, to check what the server did (throws if wrong). */
  check?: (round: Round) => void;
}

async function measure(t: FreshTarget, durationMs: number): Promise<Round> {
  const before = await t.gc?.();
  const r = await runLoad({ ...t.load(), durationMs });
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

function describe(label: string, r: Round): string {
  return (
    `    ${label.padEnd(9)} ${`${fmt(r.reqPerSec, 1)} req/s`.padEnd(13)} ${fmt(r.bytesPerSec / 1e6, 1)} MB/s  ` +
    `p50 ${fmt(r.latencyMs.p50, 2)} ms  p99 ${fmt(r.latencyMs.p99, 2)} ms  ` +
    `cpu: client ${fmt(r.clientCpu * 100)}%, server ${r.serverCpu === undefined ? '?' : fmt(r.serverCpu * 100)}% = ` +
    `${r.serverCpuUsPerReq === undefined ? '?' : fmt(r.serverCpuUsPerReq / 1000, 2)} ms/req  ` +
    `other load ${fmt(r.otherCpu * 100)}%, steal ${fmt(r.stealCpu * 100)}%` +
    (r.gc ? `  gc: ${r.gc.major} major, ${r.gc.minor} minor, ${fmt(r.gc.pauseMs)} ms paused` : '')
  );
}

function assertAllOk(label: string, r: Round): void {
  const ok = Object.entries(r.statuses).reduce((n, [s, count]) => (s.startsWith('2') ? n + count : n), 0);
  const failed = r.requests - ok;
  if (failed > 0 || r.errors > 0 || r.requests === 0) {
    const bad = Object.fromEntries(Object.entries(r.statuses).filter(([s]) => !s.startsWith('2')));
    throw new Error(
      `${label}: ${failed} responses were not 2xx (${JSON.stringify(bad)}) and ${r.errors} requests failed, of ${r.requests}`,
    );
  }
}

/** Warm-up of each target, then `rounds` rounds alternating which goes first. */
export async function compareFresh(
  origo: FreshTarget,
  baseline: FreshTarget,
  opts: { rounds: number; durationMs: number; warmupMs: number },
): Promise<Comparison> {
  log(`  warm-up ${opts.warmupMs} ms each`);
  for (const t of [origo, baseline]) assertAllOk(`${t.label} warm-up`, await measure(t, opts.warmupMs));
  const out: Comparison = { origo: [], baseline: [] };
  for (let round = 0; round < opts.rounds; round++) {
    log(`  round ${round + 1}/${opts.rounds} (${opts.durationMs} ms each)`);
    const order = round % 2 === 0 ? [origo, baseline] : [baseline, origo];
    for (const t of order) {
      const r = await measure(t, opts.durationMs);
      (t === origo ? out.origo : out.baseline).push(r);
      log(describe(t.label, r));
      assertAllOk(t.label, r);
      t.check?.(r);
    }
  }
  return out;
}
