import type { Engine } from '../lib/load.ts';

export interface BenchOptions {
  rounds: number;
  /** Length of one measurement round of the load benchmarks (get, download). */
  durationMs: number;
  warmupMs: number;
  engine: Engine;
  connections: { get: number; download: number; downloadSmall: number };
  /** Measured uploads (after warm-up) in the upload benchmark. */
  uploads: number;
  /** Size of the memory benchmark's upload, in bytes. */
  memoryUploadBytes: number;
}
