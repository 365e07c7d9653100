// Progress of a long run (upload, download): a bar redrawn in place on a
// terminal (files, bytes, rate, ETA), plain lines otherwise so logs and
// scripts can follow it line by line. Bytes count as each chunk moves (see
// transfer-count.ts); without a terminal a large file gets a line at every
// tenth of it on its way.

import type { Writable } from 'node:stream';
import { formatBytes, formatDuration } from './output.ts';
import { TransferCount } from './transfer-count.ts';

export interface ProgressTotals {
  files: number;
  bytes: number;
}

export interface Progress {
  /** `soFar` bytes of `file` (of `size`) have been sent or received in its current attempt. */
  moving(file: string, size: number, soFar: number): void;
  /** One file finished: `outcome` says how ("stored", "skipped", "failed"). */
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
}

export function createProgress(
  totals: ProgressTotals,
  stream: Stream = process.stderr,
  now = () => Date.now(),
  options: ProgressOptions = {},
): Progress {
  const started = now();
  const count = new TransferCount();
  const tenths = new Map<string, number>();
  let lastDraw = 0;
  const tty = stream.isTTY === true;

  const summary = (): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const { files, bytes } = count;
    const rate = bytes / seconds;
    const left = totals.bytes - bytes;
    const eta = rate > 0 ? formatDuration(left / rate) : '?';
    return `${files}/${totals.files} files, ${formatBytes(bytes)}/${formatBytes(totals.bytes)}, ${formatBytes(rate)}/s, ETA ${eta}`;
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
    // By bytes, so a large file fills the bar as it goes; by files when they are all empty.
    const share = totals.bytes > 0 ? count.bytes / totals.bytes : totals.files === 0 ? 1 : count.files / totals.files;
    const filled = Math.min(width, Math.round(share * width));
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
  };

  // On a terminal the rate and ETA also move while a large file is on its way.
  const ticker = tty ? setInterval(() => draw(true), 1000).unref() : undefined;

  return {
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
      if (tty) {
        if (outcome === 'failed') stream.write(`\r\x1b[K${outcome} ${file}${detail ? `: ${detail}` : ''}\n`);
        draw(outcome === 'failed' || count.files === totals.files);
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
