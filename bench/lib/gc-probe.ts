// Imported by the child processes: counts garbage collections (by kind and
// time spent) and answers {type: 'gc?'} on the IPC channel with the totals.

import { constants, PerformanceObserver } from 'node:perf_hooks';

export interface GcTotals {
  /** Scavenges (young generation). */
  minor: number;
  /** Mark-compacts (whole heap). */
  major: number;
  /** Time the main thread spent paused in GC, ms. */
  pauseMs: number;
}

const totals: GcTotals = { minor: 0, major: 0, pauseMs: 0 };

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) totals.major++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) totals.minor++;
    totals.pauseMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

process.on('message', (msg: unknown) => {
  if ((msg as { type?: string }).type === 'gc?') process.send?.({ type: 'gc', ...totals });
});
