// `origo download`: the original bytes of images, by hash or of every
// search match, into a folder; each file is checked against its sha1.

import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { OrigoClient } from '../../client.ts';
import type { SourceImage } from '../../types/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import type { Context } from '../context.ts';
import { errorCode } from '../errno.ts';
import { EXIT, type ExitCode, usageError } from '../exit-codes.ts';
import { interruptedLine, stopOnInterrupt } from '../interrupt.ts';
import { isRunEnding } from '../is-fatal.ts';
import { createProgress, type Progress } from '../progress.ts';
import { safeFileName } from '../safe-name.ts';
import { searchQuery } from '../search-args.ts';
import { sha1OfFile } from '../sha1.ts';

interface DownloadOptions {
  org: string;
  out: string;
  search?: boolean;
}

// The DOM and Node typings of web streams differ, so Readable.fromWeb does not
// take the SDK's stream without a cast; reading it chunk by chunk needs none.
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The partial files being written, removed when a second Ctrl-C quits at once. */
const partials = new Set<string>();

/**
 * Writes under a temporary name next to the target and renames it only once
 * every byte is there and matches the sha1: no half file under the final
 * name, and none left behind when the download fails or is stopped.
 */
async function saveOriginal(
  client: OrigoClient,
  image: SourceImage,
  file: string,
  signal: AbortSignal,
  progress: Progress,
): Promise<void> {
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.origo-part`);
  const hash = createHash('sha1');
  let received = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      received += chunk.byteLength;
      progress.moving(file, image.size, received);
      done(null, chunk);
    },
  });
  partials.add(partial);
  try {
    const { stream } = await client.downloadSourceImage(image.organization, image.hash, { signal });
    await pipeline(Readable.from(chunksOf(stream)), tap, createWriteStream(partial), { signal });
    const sha1 = hash.digest('hex');
    if (sha1 !== image.binary_hash)
      throw new Error(`got bytes with sha1 ${sha1}, the image's binary_hash is ${image.binary_hash}`);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    partials.delete(partial);
  }
}

/** Whether `file` already holds the image's bytes (a run stopped earlier wrote it): then it is kept. */
async function alreadyThere(file: string, image: SourceImage): Promise<boolean> {
  try {
    return (await sha1OfFile(file)) === image.binary_hash;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}

const removePartials = () => {
  for (const partial of partials) rmSync(partial, { force: true });
};

export function downloadCommand(program: Command): void {
  program
    .command('download')
    .description('download originals by hash, or of every image a search matches (--search)')
    .argument('[hashes...]', 'image hashes; with --search, field=value search terms')
    .requiredOption('--org <org>', 'organization')
    .option('--out <dir>', 'folder to write into', '.')
    .option('--search', 'treat the arguments as search terms and download every match')
    .addHelpText(
      'after',
      '\nFiles are named after the image (else <hash>.<format>) and checked against binary_hash.\nFiles already there with the right bytes are kept; Ctrl-C drops the file under\nway (no partial file stays) and exits 130: run the same command again to resume.\n\nExamples:\n  origo download --org acme 1a2b3c… --out ./pics\n  origo download --org acme --search user:str:tag=beach --out ./beach',
    )
    .action(
      action(async (ctx, args, command) => {
        const opts = command.opts<DownloadOptions>();
        if (args.length === 0 && opts.search !== true)
          throw usageError('download needs hashes, or --search with field=value terms');
        const client = clientFor(ctx);
        // Ctrl-C from here on, also while the images are looked up, ends with the resume hint.
        const stop = stopOnInterrupt('dropping the download under way', removePartials);
        try {
          return await downloadAll(ctx, client, opts, args, stop.signal);
        } finally {
          stop.release();
        }
      }),
    );
}

interface DownloadResult {
  hash: string;
  file?: string;
  skipped?: boolean;
  error?: string;
}

async function downloadAll(
  ctx: Context,
  client: OrigoClient,
  opts: DownloadOptions,
  args: string[],
  signal: AbortSignal,
): Promise<ExitCode> {
  const images: SourceImage[] = [];
  if (opts.search === true) {
    for await (const image of client.iterateSourceImages(opts.org, searchQuery(args, {}))) {
      if (signal.aborted) break;
      images.push(image);
    }
  } else {
    for (const hash of args) {
      if (signal.aborted) break;
      images.push(await client.getSourceImage(opts.org, hash));
    }
  }
  await mkdir(opts.out, { recursive: true });
  const progress = createProgress(
    { files: images.length, bytes: images.reduce((sum, image) => sum + image.size, 0) },
    process.stderr,
    Date.now,
    { verb: 'receiving' },
  );
  const taken = new Set<string>();
  const results: DownloadResult[] = [];
  for (const image of images) {
    if (signal.aborted) break;
    let name = safeFileName(image.name);
    if (name === undefined || taken.has(name)) name = `${image.hash}.${image.format}`;
    taken.add(name);
    const file = path.join(opts.out, name);
    try {
      if (await alreadyThere(file, image)) {
        results.push({ hash: image.hash, file, skipped: true });
        progress.done(file, image.size, 'skipped', `${image.hash} (already there)`);
        continue;
      }
      await saveOriginal(client, image, file, signal, progress);
      results.push({ hash: image.hash, file });
      progress.done(file, image.size, 'downloaded', image.hash);
    } catch (err) {
      if (signal.aborted) break;
      if (isRunEnding(err)) {
        progress.finish();
        throw err;
      }
      const message = err instanceof Error ? err.message : String(err);
      results.push({ hash: image.hash, error: message });
      progress.done(file, image.size, 'failed', message);
    }
  }
  progress.finish();
  const failed = results.filter((r) => r.error !== undefined).length;
  const skipped = results.filter((r) => r.skipped === true).length;
  const downloaded = results.length - failed - skipped;
  ctx.output.result(
    { downloaded, skipped, failed, interrupted: signal.aborted, items: results },
    () => `downloaded ${downloaded}, skipped ${skipped} (already there), failed ${failed}`,
  );
  if (signal.aborted) {
    const done = results.length - failed;
    ctx.output.warn(interruptedLine(`${done} of ${images.length} images downloaded`));
    return EXIT.interrupted;
  }
  return failed > 0 ? EXIT.someFailed : EXIT.ok;
}
