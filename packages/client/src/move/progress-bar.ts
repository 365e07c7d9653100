// The progress of a move for people: on a terminal one bar redrawn in place
// (images done of the total, copied/skipped/failed, bytes, rate, ETA) with
// each failure on a line of its own; elsewhere one plain line per image, so a
// log can be followed and grepped.

import type { Writable } from 'node:stream';
import type { MoveEvent, MoveSummary } from './summary.ts';

interface Stream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface MoveProgress {
  onEvent(event: MoveEvent): void;
  /** Leaves the last bar on its own line. */
  finish(): void;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export function createMoveProgress(stream: Stream = process.stderr, now = () => Date.now()): MoveProgress {
  const started = now();
  const tty = stream.isTTY === true;
  let total: number | undefined;
  let done = 0;
  let copied = 0;
  let skipped = 0;
  let failed = 0;
  let bytes = 0;
  let lastDraw = 0;

  const status = () => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = done / seconds;
    const eta = total !== undefined && rate > 0 ? formatSeconds((total - done) / rate) : '?';
    const of = total === undefined ? `${done}` : `${done}/${total}`;
    return `${of} images (copied ${copied}, skipped ${skipped}, failed ${failed}), ${formatBytes(bytes)}, ${rate.toFixed(1)}/s, ETA ${eta}`;
  };
  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const width = 20;
    const filled = total === undefined || total === 0 ? 0 : Math.min(width, Math.round((done / total) * width));
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${status()}`);
  };

  return {
    onEvent(event) {
      if (event.type === 'total') {
        total = event.total;
        return;
      }
      done++;
      bytes += event.bytes;
      if (event.outcome === 'copied') copied++;
      else if (event.outcome === 'skipped') skipped++;
      else failed++;
      const what = `${event.hash}${event.name === undefined ? '' : ` ${JSON.stringify(event.name)}`}`;
      const detail = event.reason === undefined ? '' : `: ${event.reason}`;
      if (!tty) {
        stream.write(`${event.outcome} ${what}${detail} (${status()})\n`);
        return;
      }
      if (event.outcome === 'failed') stream.write(`\r\x1b[Kfailed ${what}${detail}\n`);
      draw(event.outcome === 'failed' || done === total);
    },
    finish() {
      if (tty) {
        draw(true);
        stream.write('\n');
      }
    },
  };
}

/** The closing line of a move for people. */
export function summaryLine(summary: MoveSummary): string {
  const seconds = summary.elapsedMs / 1000;
  const done = summary.copied + summary.skipped + summary.failed.length;
  const rate = seconds > 0 ? (summary.copied / seconds).toFixed(1) : '?';
  return (
    `copied ${summary.copied}, skipped ${summary.skipped} (already there), failed ${summary.failed.length} ` +
    `of ${done} images; ${formatBytes(summary.bytes)} in ${seconds.toFixed(1)} s (${rate} images/s)`
  );
}
