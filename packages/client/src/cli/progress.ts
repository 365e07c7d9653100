// Progress of a long run (upload, download, import, export): a bar redrawn
// in place on a terminal (items, bytes, rate, ETA), plain lines otherwise so
// logs and scripts can follow it line by line. Bytes count as each chunk
// moves (see transfer-count.ts); without a terminal a large file gets a line
// at every tenth of it on its way.

import type { Writable } from 'node:stream';
import { formatBytes, formatDuration } from './output.ts';
import { TransferCount } from './transfer-count.ts';

/** What the run will handle; a move learns its number of images only once the source says so. */
export interface ProgressTotals {
  files?: number | undefined;
  bytes?: number | undefined;
}

export interface Progress {
  /** The number of items, once known (a move's source tells it after the run started). */
  total(files: number): void;
  /** `soFar` bytes of `file` (of `size`) have been sent or received in its current attempt. */
  moving(file: string, size: number, soFar: number): void;
  /** One item finished: `outcome` says how ("stored", "copied", "skipped", "failed"). */
  done(file: string, bytes: number, outcome: string, detail?: string): void;
  /** Stops redrawing; leaves the last bar on its own line. */
  finish(): void;
}

interface Stream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

/** Below this a file gets no plain lines of its own while it moves: it is done soon enough. */
export const LINES_FROM_BYTES = 1_000_000;

export interface ProgressOptions {
  /** The word of a plain line while a file moves: "sending" (default) or "receiving". */
  verb?: string;
  /** What the items are called: "files" (default), "images". */
  unit?: string;
  /** Outcomes counted on every line, e.g. copied, skipped, failed. */
  tally?: readonly string[];
}

export function createProgress(
  totals: ProgressTotals,
  stream: Stream = process.stderr,
  now = () => Date.now(),
  options: ProgressOptions = {},
): Progress {
  const started = now();
  const count = new TransferCount();
  const outcomes = new Map<string, number>();
  const tenths = new Map<string, number>();
  let files = totals.files;
  let lastDraw = 0;
  const tty = stream.isTTY === true;

  const eta = (seconds: number): string => {
    if (totals.bytes !== undefined) {
      const rate = count.bytes / seconds;
      return rate > 0 ? formatDuration((totals.bytes - count.bytes) / rate) : '?';
    }
    // With no byte total (a move), by the items done so far.
    if (files === undefined || count.files === 0) return '?';
    return formatDuration((files - count.files) / (count.files / seconds));
  };

  const summary = (): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const of = files === undefined ? `${count.files}` : `${count.files}/${files}`;
    const tally = options.tally?.map((o) => `${o} ${outcomes.get(o) ?? 0}`).join(', ');
    const size =
      totals.bytes === undefined
        ? formatBytes(count.bytes)
        : `${formatBytes(count.bytes)}/${formatBytes(totals.bytes)}`;
    const rate = formatBytes(count.bytes / seconds);
    return `${of} ${options.unit ?? 'files'}${tally ? ` (${tally})` : ''}, ${size}, ${rate}/s, ETA ${eta(seconds)}`;
  };

  /** How much of the bar is full: by bytes, so a large file fills it as it goes; else by items. */
  const share = (): number => {
    if (totals.bytes !== undefined && totals.bytes > 0) return count.bytes / totals.bytes;
    if (files === undefined) return 0;
    return files === 0 ? 1 : count.files / files;
  };

  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const text = summary();
    // The bar takes what the line leaves, so the line never wraps (a wrapped line cannot be redrawn in place).
    // A terminal of unknown size (0 columns, as under `script`) is taken as 80 wide.
    const width = Math.min(30, (stream.columns || 80) - text.length - 4);
    if (width < 5) {
      stream.write(`\r\x1b[K${text}`);
      return;
    }
    const filled = Math.min(width, Math.round(share() * width));
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
  };

  // On a terminal the rate and ETA also move while a large file is on its way.
  const ticker = tty ? setInterval(() => draw(true), 1000).unref() : undefined;

  return {
    total(total) {
      files = total;
    },
    moving(file, size, soFar) {
      const counted = count.moving(file, size, soFar);
      if (tty) {
        draw(false);
        return;
      }
      if (size < LINES_FROM_BYTES) return;
      const tenth = Math.floor((counted / size) * 10);
      if (tenth === 10 || tenth <= (tenths.get(file) ?? 0)) return;
      tenths.set(file, tenth);
      stream.write(`${options.verb ?? 'sending'} ${file} ${tenth * 10}% (${summary()})\n`);
    },
    done(file, size, outcome, detail) {
      count.done(file, size);
      tenths.delete(file);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (tty) {
        if (outcome === 'failed') stream.write(`\r\x1b[K${outcome} ${file}${detail ? `: ${detail}` : ''}\n`);
        draw(outcome === 'failed' || count.files === files);
      } else {
        stream.write(`${outcome} ${file}${detail ? ` ${detail}` : ''} (${summary()})\n`);
      }
    },
    finish() {
      clearInterval(ticker);
      if (tty) {
        draw(true);
        stream.write('\n');
      }
    },
  };
}
