// Runs a move (import, export) for the `origo` command: the progress on
// stderr, Ctrl-C as for every command that stops cleanly (interrupt.ts), the
// summary on stdout (JSON under --json), and the exit code: 0 all done, 1
// some images failed, 130 interrupted; a whole-move failure is thrown as a
// CliError for main.ts to print (move-failure.ts names the side at fault).

import type { MoveEvent, MoveSummary, ProgressListener } from '../move/summary.ts';
import type { Context } from './context.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { interruptedLine, stopOnInterrupt } from './interrupt.ts';
import { describeMoveFailure, type SideFlags } from './move-failure.ts';
import { formatBytes } from './output.ts';
import { createProgress, type Progress } from './progress.ts';

export interface MoveRun {
  /** The command a user runs again to resume, for the interrupted message. */
  resume: string;
  /** The flags that set each side's server, for the hints of a failure. */
  flags: SideFlags;
  run(signal: AbortSignal, onProgress: ProgressListener): Promise<MoveSummary>;
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

function showEvent(progress: Progress, event: MoveEvent): void {
  if (event.type === 'total') {
    progress.total(event.total);
    return;
  }
  const what = `${event.hash}${event.name === undefined ? '' : ` ${JSON.stringify(event.name)}`}`;
  progress.done(what, event.bytes, event.outcome, event.reason);
}

export async function runMove(ctx: Context, move: MoveRun): Promise<ExitCode> {
  const stop = stopOnInterrupt('finishing the images under way');
  // Under --json a terminal still gets the bar; a pipe gets only the JSON and the error lines.
  const showProgress = !ctx.output.json || process.stderr.isTTY === true;
  const progress = createProgress({}, process.stderr, Date.now, {
    unit: 'images',
    tally: ['copied', 'skipped', 'failed'],
  });
  let summary: MoveSummary;
  try {
    summary = await move.run(stop.signal, (event) => {
      if (showProgress) showEvent(progress, event);
    });
  } catch (err) {
    const failure = describeMoveFailure(err, move.flags);
    throw new CliError(failure.exitCode, failure.message);
  } finally {
    if (showProgress) progress.finish();
    stop.release();
  }
  // Each failure has had its own line with its reason on stderr as it happened.
  ctx.output.result({ ...summary, interrupted: stop.signal.aborted }, () => summaryLine(summary));
  if (stop.signal.aborted) {
    const done = summary.copied + summary.skipped + summary.failed.length;
    ctx.output.warn(interruptedLine(`${done} images done`, move.resume));
    return EXIT.interrupted;
  }
  return summary.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
}
