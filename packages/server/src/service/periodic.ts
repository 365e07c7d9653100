// Background work on a timer inside the server (the sweep, the scrub): a run
// never starts while the previous one is still going (a sweep of a large
// store can outlast a short interval), and stop() ends the timer, asks the
// run under way to stop and waits for it, so storage is not closed under it.

export interface PeriodicJob {
  stop(): Promise<void>;
}

/**
 * Runs `job` every `intervalMs`, first after `firstDelayMs`. The job gets a
 * signal that is aborted on stop; it reports its own outcome (a rejection is
 * passed to `onError`).
 */
export function every(
  intervalMs: number,
  firstDelayMs: number,
  job: (signal: AbortSignal) => Promise<void>,
  onError: (err: unknown) => void,
): PeriodicJob {
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const runOnce = () => {
    if (running || abort.signal.aborted) return;
    running = job(abort.signal)
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(runOnce, firstDelayMs);
  const timer = setInterval(runOnce, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}
