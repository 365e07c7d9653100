// Progress of a long run (upload): a bar redrawn in place on a terminal
// (files, bytes, rate, ETA), plain lines otherwise so logs and scripts can
// follow it line by line.

import type { Writable } from 'node:stream';
import { formatBytes, formatDuration } from './output.ts';

export interface ProgressTotals {
  files: number;
  bytes: number;
}

export interface Progress {
  /** One file finished: `outcome` says how ("stored", "skipped", "failed"). */
  done(file: string, bytes: number, outcome: string, detail?: string): void;
  /** Stops redrawing; leaves the last bar on its own line. */
  finish(): void;
}

interface Stream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export function createProgress(
  totals: ProgressTotals,
  stream: Stream = process.stderr,
  now = () => Date.now(),
): Progress {
  const started = now();
  let files = 0;
  let bytes = 0;
  let lastDraw = 0;
  const tty = stream.isTTY === true;

  const summary = (): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
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
    const filled = totals.files === 0 ? width : Math.round((files / totals.files) * width);
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
  };

  // On a terminal the rate and ETA also move while a large file is on its way.
  const ticker = tty ? setInterval(() => draw(true), 1000).unref() : undefined;

  return {
    done(file, size, outcome, detail) {
      files += 1;
      bytes += size;
      if (tty) {
        if (outcome === 'failed') stream.write(`\r\x1b[K${outcome} ${file}${detail ? `: ${detail}` : ''}\n`);
        draw(outcome === 'failed' || files === totals.files);
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
