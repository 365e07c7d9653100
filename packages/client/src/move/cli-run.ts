// Runs a move for the `origo` command: the progress bar on stderr, Ctrl-C
// (the first stops taking new images and lets those under way finish, a
// second one quits at once), the summary on stdout (JSON under --json), and
// the exit code: 0 all done, 1 some images failed, 130 interrupted, or the
// code of a whole-move failure (see cli-exit.ts) with one line on stderr.

import { EXIT } from '../cli/exit-codes.ts';
import { interruptedLine, stopOnInterrupt } from '../cli/interrupt.ts';
import { describeMoveError, type SideFlags } from './cli-exit.ts';
import { createMoveProgress, summaryLine } from './progress-bar.ts';
import type { MoveSummary, ProgressListener } from './summary.ts';

export interface MoveRun {
  json: boolean;
  /** The command a user runs again to resume, for the interrupted message. */
  resume: string;
  /** The flags that set each side's server, for the hints of a failure. */
  flags: SideFlags;
  run(signal: AbortSignal, onProgress: ProgressListener): Promise<MoveSummary>;
}

export async function runMove(move: MoveRun): Promise<void> {
  const stop = stopOnInterrupt('finishing the images under way');
  // Under --json a terminal still gets the bar; a pipe gets only the JSON and the error lines.
  const showProgress = !move.json || process.stderr.isTTY === true;
  const progress = createMoveProgress(process.stderr);
  try {
    const summary = await move.run(stop.signal, (event) => {
      if (showProgress) progress.onEvent(event);
    });
    if (showProgress) progress.finish();
    if (move.json)
      process.stdout.write(`${JSON.stringify({ ...summary, interrupted: stop.signal.aborted }, null, 2)}\n`);
    // Each failure has had its own line with its reason on stderr as it happened.
    else process.stdout.write(`${summaryLine(summary)}\n`);
    if (stop.signal.aborted) {
      const done = summary.copied + summary.skipped + summary.failed.length;
      process.stderr.write(`${interruptedLine(`${done} images done`, move.resume)}\n`);
      process.exitCode = EXIT.interrupted;
    } else process.exitCode = summary.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
  } catch (err) {
    if (showProgress) progress.finish();
    const failure = describeMoveError(err, move.flags);
    process.stderr.write(`origo: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  } finally {
    stop.release();
  }
}
