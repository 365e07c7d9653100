// The scrub as a periodic job inside the server (ORIGO_SCRUB_INTERVAL_SECONDS):
// each problem is logged at error level, each run's summary at info. Runs
// never overlap; stop() ends the one under way at the next blob.

import type { ServiceDeps } from './deps.ts';
import { scrub } from './scrub.ts';

export interface ScrubLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function scheduleScrub(deps: ServiceDeps, log: ScrubLog, intervalMs: number): { stop(): Promise<void> } {
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const runOnce = () => {
    if (running) return;
    running = scrub(deps, {
      signal: abort.signal,
      onProblem: (problem) =>
        log.error(
          { blobKey: problem.key, kind: problem.kind, detail: problem.detail, images: problem.images.map((i) => ({ org: i.orgName, image: i.hash, deleted: i.deleted })) },
          `scrub: blob ${problem.key} is ${problem.kind}`,
        ),
    })
      .then(
        ({ problems: _problems, ...summary }) => log.info(summary, 'scrub: checked the stored blobs'),
        (err) => log.error({ err }, 'scrub failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(runOnce, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}
