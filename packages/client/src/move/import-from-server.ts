// Copies every image of an organization of a rokka-compatible server (rokka.io
// or another origo) into an organization of origo: original bytes checked
// against their binary_hash, name, user and dynamic metadata, protected and
// locked flags, and the resulting hash checked against the source's. Images
// already in the target (by hash) are skipped, so a re-run copies only what
// is missing; one image failing never stops the others.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collect, integrityProblem, type Original, spool } from './bytes.ts';
import type { MovedImage, MoveEndpoint } from './endpoint.ts';
import { listImages } from './list-images.ts';
import { type MoveQuery, queryRecord } from './move-query.ts';
import { eachConcurrently } from './pool.ts';
import { alreadyRestored, restoreImage } from './restore-image.ts';
import { checkOrganization, setupStep } from './setup-error.ts';
import { type MoveSummary, type ProgressListener, reasonOf, SummaryRecorder } from './summary.ts';

export const DEFAULT_CONCURRENCY = 4;

/** Originals up to this size are held in memory on their way; larger ones go through a temporary file. */
export const DEFAULT_IN_MEMORY_BYTES = 16 * 1024 * 1024;

export interface ServerImportOptions {
  source: MoveEndpoint;
  sourceOrg: string;
  target: MoveEndpoint;
  targetOrg: string;
  /** Search filters (e.g. `{ 'user:category': 'shoes' }` or a search builder); every image when absent. */
  query?: MoveQuery;
  concurrency?: number;
  /** Originals larger than this many bytes are spooled to a temporary file rather than held in memory. */
  inMemoryBytes?: number;
  onProgress?: ProgressListener;
  /** Stops taking new images; those under way finish (their requests are not cut off), so a re-run resumes cleanly. */
  signal?: AbortSignal;
}

export async function importFromServer(options: ServerImportOptions): Promise<MoveSummary> {
  const { source, sourceOrg, target, targetOrg, signal } = options;
  const recorder = new SummaryRecorder(options.onProgress);
  await setupStep('target', `target organization ${targetOrg} on ${target.label}`, () =>
    checkOrganization(target, targetOrg),
  );
  const images = listImages(source, sourceOrg, queryRecord(options.query), (total) => recorder.total(total));
  const inMemory = options.inMemoryBytes ?? DEFAULT_IN_MEMORY_BYTES;
  // One folder for the run, made when the first large original comes (a promise, so concurrent tasks share it).
  let spoolDir: Promise<string> | undefined;
  const fetchOriginal = async (image: MovedImage): Promise<Original> => {
    const chunks = await source.download(sourceOrg, image.hash);
    if (image.size <= inMemory) return collect(chunks);
    spoolDir ??= mkdtemp(path.join(os.tmpdir(), 'origo-import-'));
    return spool(chunks, path.join(await spoolDir, image.hash));
  };
  try {
    await eachConcurrently(
      images,
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async (image) => {
        try {
          const there = await alreadyRestored(target, targetOrg, image);
          if (there === undefined) {
            const original = await fetchOriginal(image);
            try {
              const problem = integrityProblem(original, image.binary_hash, image.size);
              if (problem !== undefined) throw new Error(`download from the source is damaged: ${problem}`);
              await restoreImage(target, targetOrg, image, original.data);
            } finally {
              if (!(original.data instanceof Uint8Array)) await rm(original.data.path, { force: true });
            }
            recorder.copied(image.hash, image.name, original.size);
          } else if (there.written) recorder.copied(image.hash, image.name, 0);
          else recorder.skipped(image.hash, image.name);
        } catch (err) {
          recorder.failed(image.hash, image.name, reasonOf(err));
        }
      },
      signal,
    );
  } finally {
    const made = await spoolDir?.catch(() => undefined);
    if (made !== undefined) await rm(made, { recursive: true, force: true });
  }
  return recorder.finish();
}
