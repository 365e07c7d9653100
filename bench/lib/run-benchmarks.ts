// Runs named benchmarks one after the other, as bench/run.ts and
// bench/render.ts do: a heading each, the machine's load during each, a row
// saying "error" for one that throws (the others still run), and the summary
// table at the end. Exits 1 when one failed.

import os from 'node:os';
import { runCleanups } from './origo.ts';
import { machineCpuMs } from './proc.ts';
import { fmt, log, type Row, table } from './report.ts';

export interface NamedBenchmark<O> {
  what: string;
  run: (options: O) => Promise<Row[]>;
}

export async function runBenchmarks<O>(
  benchmarks: Record<string, NamedBenchmark<O>>,
  names: string[],
  options: O,
  labels: { row: (name: string) => string; summary: string },
): Promise<never> {
  const rows: Row[] = [];
  const started = performance.now();
  let failed = false;
  for (const name of names) {
    const bench = benchmarks[name]!;
    log('');
    log(`== ${labels.row(name)}: ${bench.what}`);
    const t0 = performance.now();
    const m0 = machineCpuMs();
    try {
      rows.push(...(await bench.run(options)));
    } catch (err) {
      failed = true;
      log(`  FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      rows.push({
        bench: labels.row(name),
        metric: 'error',
        origo: '-',
        baseline: '-',
        ratio: '-',
        target: '-',
        met: false,
        notes: String(err),
      });
    }
    const ms = performance.now() - t0;
    const m1 = machineCpuMs();
    log(
      `  (${fmt(ms / 1000, 1)} s; machine busy ${fmt((m1.busy - m0.busy) / ms, 2)} of ${os.cpus().length} cores on average, this benchmark included; steal ${fmt(((m1.steal - m0.steal) / ms) * 100)}%)`,
    );
  }
  log('');
  log(`== summary (${fmt((performance.now() - started) / 1000)} s)${labels.summary}`);
  log(table(rows));
  for (const r of rows) if (r.notes) log(`- ${r.bench}: ${r.notes}`);
  runCleanups();
  process.exit(failed ? 1 : 0);
}
