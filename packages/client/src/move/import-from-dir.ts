// Brings an exported folder back into an organization: reads manifest.ndjson
// line by line, refuses a line whose file is not safely inside the folder (or
// whose fields are wrong) with a message for that line only, checks each
// file's sha1 against its binary_hash, and uploads it like the import from a
// server does, so hashes and fields come back as they were exported. Images
// already in the target are skipped.

import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { hashFile, integrityProblem } from './bytes.ts';
import type { MoveEndpoint } from './endpoint.ts';
import { DEFAULT_CONCURRENCY } from './import-from-server.ts';
import { MANIFEST_NAME, type ManifestEntry, parseManifestLine } from './manifest.ts';
import { eachConcurrently } from './pool.ts';
import { alreadyRestored, restoreImage } from './restore-image.ts';
import { resolveInside } from './safe-path.ts';
import { checkOrganization, setupStep } from './setup-error.ts';
import { type MoveSummary, type ProgressListener, reasonOf, SummaryRecorder } from './summary.ts';

export interface DirImportOptions {
  dir: string;
  target: MoveEndpoint;
  org: string;
  concurrency?: number;
  onProgress?: ProgressListener;
  /** Stops taking new entries; those under way finish. */
  signal?: AbortSignal;
}

type Line = { number: number; text: string };

export async function importFromDir(options: DirImportOptions): Promise<MoveSummary> {
  const { dir, target, org, signal } = options;
  const recorder = new SummaryRecorder(options.onProgress);
  const manifestPath = path.join(dir, MANIFEST_NAME);
  const total = await setupStep('folder', `reading ${manifestPath}`, () => countLines(manifestPath));
  recorder.total(total);
  await setupStep('target', `target organization ${org} on ${target.label}`, () => checkOrganization(target, org));
  await eachConcurrently(
    linesOf(manifestPath),
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async ({ number, text }) => {
      const parsed = parseManifestLine(text);
      if (!parsed.ok) {
        recorder.failed(
          parsed.hash ?? `line ${number}`,
          undefined,
          `${MANIFEST_NAME} line ${number}: ${parsed.reason}`,
        );
        return;
      }
      const { entry } = parsed;
      try {
        await importEntry(entry, number);
      } catch (err) {
        recorder.failed(entry.hash, entry.name, reasonOf(err));
      }
    },
    signal,
  );
  return recorder.finish();

  async function importEntry(entry: ManifestEntry, number: number): Promise<void> {
    const file = await resolveInside(dir, entry.file);
    if (!file.ok) throw new Error(`${MANIFEST_NAME} line ${number}: refused, ${file.reason}`);
    const there = await alreadyRestored(target, org, entry);
    if (there !== undefined) {
      if (there.written) recorder.copied(entry.hash, entry.name, 0);
      else recorder.skipped(entry.hash, entry.name);
      return;
    }
    // Hashed as a stream, then uploaded from the file: a large original is never held in memory.
    const original = await hashFile(file.path);
    const problem = integrityProblem(original, entry.binary_hash, entry.size);
    if (problem !== undefined) throw new Error(`${entry.file} is damaged: ${problem}`);
    await restoreImage(target, org, entry, original.data);
    recorder.copied(entry.hash, entry.name, original.size);
  }
}

/** The manifest's non-blank lines with their 1-based numbers. */
async function* linesOf(file: string): AsyncIterable<Line> {
  let number = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    number++;
    if (text.trim() !== '') yield { number, text };
  }
}

async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const _line of linesOf(file)) count++;
  return count;
}
