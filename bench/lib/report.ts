// Figures, medians and the summary table.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const MB = 1_000_000;
export const MiB = 1024 * 1024;

export interface Row {
  bench: string;
  metric: string;
  origo: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
  notes?: string;
}

export function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function table(rows: Row[]): string {
  const header = ['benchmark', 'metric', 'origo', 'baseline', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [r.bench, r.metric, r.origo, r.baseline, r.ratio, r.target, r.met ? 'yes' : 'NO']);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...body.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}
