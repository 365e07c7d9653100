// Writes an organization's originals into a folder, one file per image named
// `<hash>.<format>` (never the server's name, so nothing escapes the folder),
// and manifest.ndjson describing every image. Resumable: a file already there
// with the right size and sha1 is not downloaded again. The manifest is
// written as `manifest.ndjson.part` while the run goes and renamed at the end,
// so a manifest.ndjson is always one complete run's.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MovedImage, MoveEndpoint } from './endpoint.ts';
import { DEFAULT_CONCURRENCY } from './import-from-server.ts';
import { listImages } from './list-images.ts';
import { fileNameOf, MANIFEST_NAME, manifestEntry } from './manifest.ts';
import { type MoveQuery, queryRecord } from './move-query.ts';
import { eachConcurrently } from './pool.ts';
import { setupStep } from './setup-error.ts';
import { type MoveSummary, type ProgressListener, reasonOf, SummaryRecorder } from './summary.ts';

export interface ExportOptions {
  source: MoveEndpoint;
  org: string;
  dir: string;
  /** Search filters (a plain object or a search builder); every image when absent. */
  query?: MoveQuery;
  concurrency?: number;
  onProgress?: ProgressListener;
  /** Stops taking new images; those under way finish. The manifest is then left as manifest.ndjson.part. */
  signal?: AbortSignal;
}

export async function exportToDir(options: ExportOptions): Promise<MoveSummary> {
  const { source, org, dir, signal } = options;
  const recorder = new SummaryRecorder(options.onProgress);
  const partPath = path.join(dir, `${MANIFEST_NAME}.part`);
  const manifest = await setupStep('folder', `writing into ${dir}`, async () => {
    await mkdir(dir, { recursive: true });
    return open(partPath, 'w');
  });
  const written = new Set<string>();
  try {
    const images = listImages(source, org, queryRecord(options.query), (total) => recorder.total(total));
    await eachConcurrently(
      images,
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async (image) => {
        try {
          const file = fileNameOf(image);
          if (file === undefined) throw new Error(`the server gave the hash ${JSON.stringify(image.hash)}`);
          const target = path.join(dir, file);
          const present = await hasOriginal(target, image);
          const fetched = present ? 0 : await downloadTo(source, org, image, target);
          if (!written.has(image.hash)) {
            written.add(image.hash);
            await manifest.write(`${JSON.stringify(manifestEntry(image, file, org))}\n`);
          }
          if (present) recorder.skipped(image.hash, image.name);
          else recorder.copied(image.hash, image.name, fetched);
        } catch (err) {
          recorder.failed(image.hash, image.name, reasonOf(err));
        }
      },
      signal,
    );
  } finally {
    await manifest.close();
  }
  if (signal?.aborted) return recorder.finish();
  await rename(partPath, path.join(dir, MANIFEST_NAME));
  return recorder.finish();
}

/** Whether `file` already holds the image's original: the right size, then the right sha1. */
async function hasOriginal(file: string, image: MovedImage): Promise<boolean> {
  try {
    if ((await stat(file)).size !== image.size) return false;
  } catch {
    return false;
  }
  const hash = createHash('sha1');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex') === image.binary_hash;
}

/** Streams the original into `file` (through a `.part` file), checking its sha1; answers the bytes written. */
async function downloadTo(source: MoveEndpoint, org: string, image: MovedImage, file: string): Promise<number> {
  const part = `${file}.part`;
  const hash = createHash('sha1');
  let bytes = 0;
  const chunks = await source.download(org, image.hash);
  async function* counted() {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    await pipeline(counted, createWriteStream(part));
    const actual = hash.digest('hex');
    if (actual !== image.binary_hash) {
      throw new Error(`the download is damaged: its sha1 is ${actual}, not the binary_hash ${image.binary_hash}`);
    }
    await rename(part, file);
    return bytes;
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}
