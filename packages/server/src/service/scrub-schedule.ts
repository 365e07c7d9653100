// The scrub as a periodic job inside the server (ORIGO_SCRUB_INTERVAL_SECONDS):
// each problem is logged at error level, each run's summary at info. Runs
// never overlap; stop() ends the one under way at the next blob.

import type { ServiceDeps } from './deps.ts';
import { every, type PeriodicJob } from './periodic.ts';
import { scrub } from './scrub.ts';

export interface JobLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function scheduleScrub(deps: ServiceDeps, log: JobLog, intervalMs: number): PeriodicJob {
  return every(
    intervalMs,
    intervalMs,
    async (signal) => {
      const { problems: _problems, ...summary } = await scrub(deps, {
        signal,
        onProblem: (problem) =>
          log.error(
            { blobKey: problem.key, kind: problem.kind, detail: problem.detail, images: problem.images.map((i) => ({ org: i.orgName, image: i.hash, deleted: i.deleted })) },
            `scrub: blob ${problem.key} is ${problem.kind}`,
          ),
      });
      log.info(summary, 'scrub: checked the stored blobs');
    },
    (err) => log.error({ err }, 'scrub failed'),
  );
}
