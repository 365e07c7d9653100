// The scrub as a periodic job inside the server (ORIGO_SCRUB_INTERVAL_SECONDS):
// each problem is logged at error level, each run's summary at info, and the
// downloads' proof of a damaged or missing blob is dropped (verified-blobs.ts;
// the CLI scrub, another process, cannot do that). Runs never overlap;
// stop() ends the one under way at the next chunk.

import type { ServiceDeps } from './deps.ts';
import { every, type PeriodicJob } from './periodic.ts';
import { scrub } from './scrub.ts';
import { forgetVerified } from './verified-blobs.ts';

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
        onProblem: (problem) => {
          // Bit rot keeps the file's version: without this, downloads would
          // go on serving bytes proven right before they decayed.
          forgetVerified(deps.blobs, problem.key);
          log.error(
            {
              blobKey: problem.key,
              kind: problem.kind,
              detail: problem.detail,
              images: problem.images.map((i) => ({ org: i.orgName, image: i.hash, deleted: i.deleted })),
            },
            `scrub: blob ${problem.key} is ${problem.kind}`,
          );
        },
      });
      log.info(summary, 'scrub: checked the stored blobs');
    },
    (err) => log.error({ err }, 'scrub failed'),
  );
}
