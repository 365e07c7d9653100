// What commands print: JSON when --json is given (one document on stdout,
// for scripts), else a plain table or lines for people.

import type { Writable } from 'node:stream';

export interface Output {
  json: boolean;
  /** A result: printed as JSON under --json, else by `human`. */
  result(value: unknown, human: () => string): void;
  /** A line for people on stdout; silent under --json so stdout stays parseable. */
  info(line: string): void;
  /** A line on stderr (warnings, per-item failures), in both modes. */
  warn(line: string): void;
}

export function createOutput(
  json: boolean,
  stdout: Writable = process.stdout,
  stderr: Writable = process.stderr,
): Output {
  return {
    json,
    result(value, human) {
      stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) stdout.write(`${line}\n`);
    },
    warn(line) {
      stderr.write(`${line}\n`);
    },
  };
}

export interface Column<T> {
  title: string;
  value: (row: T) => string;
}

/** A left-aligned table with a header row; columns as wide as their widest cell. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}

/** 1234567 → "1.2 MB": sizes for people. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Seconds → "1h02m", "3m05s", "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
