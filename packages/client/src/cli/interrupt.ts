// Ctrl-C for the commands that stop cleanly (upload, download, copy-all,
// import, export): the first one aborts `signal`, so the command stops
// taking new items and ends with a line saying how to resume; a second one
// quits at once, after `onQuit` has cleaned up what must not stay behind.

import { EXIT } from './exit-codes.ts';

export interface Interrupt {
  /** Aborted by the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** Stops listening for Ctrl-C (the command is over). */
  release(): void;
}

/** The abort reason: what a request stopped by Ctrl-C says, should its error be shown. */
class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor() {
    super('interrupted by Ctrl-C');
  }
}

/** `notice`: what the command does now that it stops, e.g. "waiting for the running uploads to finish". */
export function stopOnInterrupt(notice: string, onQuit: () => void = () => {}): Interrupt {
  const stop = new AbortController();
  const handler = () => {
    if (stop.signal.aborted) {
      onQuit();
      process.exit(EXIT.interrupted);
    }
    stop.abort(new InterruptedError());
    process.stderr.write(`\norigo: stopping: ${notice} (Ctrl-C again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  return { signal: stop.signal, release: () => process.off('SIGINT', handler) };
}

/**
 * The last line of an interrupted run: what was done, and the command to
 * run again (else "the same command") to do the rest.
 */
export function interruptedLine(done: string, resumeCommand?: string): string {
  const again = resumeCommand === undefined ? 'the same command' : `\`${resumeCommand}\``;
  return `origo: interrupted: ${done}; run ${again} again to resume`;
}
