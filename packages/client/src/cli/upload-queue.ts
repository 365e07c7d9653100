// Runs uploads with bounded concurrency, skipping files the organization
// already holds (by sha1, so a re-run resumes), and stops cleanly on request:
// no new file is started, the running ones finish.

import type { FileEntry } from './walk.ts';

export type Outcome = 'stored' | 'skipped' | 'failed';

export interface ItemResult {
  path: string;
  outcome: Outcome;
  /** The source image's hash when stored or found, the error text when failed. */
  hash?: string;
  error?: string;
}

export interface UploadSteps {
  sha1(file: FileEntry): Promise<string>;
  /** The hash of an image in the organization with these bytes, if any. */
  findStored(sha1: string): Promise<string | undefined>;
  upload(file: FileEntry): Promise<string>;
  /**
   * Whether an error ends the whole run (bad key, unknown organization,
   * server gone: every other file would fail the same way) rather than
   * just this file.
   */
  isFatal(err: unknown): boolean;
}

export interface QueueOptions {
  concurrency: number;
  /** When it aborts, no further file starts. */
  stop: AbortSignal;
  onDone(result: ItemResult, file: FileEntry): void;
}

export interface QueueSummary {
  results: ItemResult[];
  /** Files never started because of a stop request or a fatal error. */
  notStarted: number;
  fatal?: unknown;
}

async function uploadOne(file: FileEntry, steps: UploadSteps): Promise<ItemResult> {
  const sha1 = await steps.sha1(file);
  const existing = await steps.findStored(sha1);
  if (existing !== undefined) return { path: file.path, outcome: 'skipped', hash: existing };
  return { path: file.path, outcome: 'stored', hash: await steps.upload(file) };
}

export async function runUploadQueue(
  files: readonly FileEntry[],
  steps: UploadSteps,
  options: QueueOptions,
): Promise<QueueSummary> {
  const results: ItemResult[] = [];
  let next = 0;
  let fatal: { error: unknown } | undefined;

  const worker = async () => {
    while (next < files.length && !options.stop.aborted && fatal === undefined) {
      const file = files[next++]!;
      let result: ItemResult;
      try {
        result = await uploadOne(file, steps);
      } catch (err) {
        if (steps.isFatal(err)) {
          fatal ??= { error: err };
          return;
        }
        result = { path: file.path, outcome: 'failed', error: err instanceof Error ? err.message : String(err) };
      }
      results.push(result);
      options.onDone(result, file);
    }
  };

  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(files.length, 1)) }, worker));
  return {
    results,
    notStarted: files.length - results.length,
    ...(fatal !== undefined && { fatal: fatal.error }),
  };
}
