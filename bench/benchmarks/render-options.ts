import type { Engine } from '../lib/load.ts';

export interface RenderBenchOptions {
  rounds: number;
  /** Length of one measurement round, and of the memory benchmark's load. */
  durationMs: number;
  warmupMs: number;
  engine: Engine;
  /** Requests in flight at once: uncached renders (one per core), cached renders, the memory benchmark's renders. */
  connections: { uncached: number; cached: number; memory: number };
}
