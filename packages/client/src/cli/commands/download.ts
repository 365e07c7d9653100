// `origo download`: the original bytes of images, by hash or of every
// search match, into a folder; each file is checked against its sha1.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { OrigoClient } from '../../client.ts';
import type { SourceImage } from '../../types/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { EXIT, usageError } from '../exit-codes.ts';
import { isRunEnding } from '../is-fatal.ts';
import { safeFileName } from '../safe-name.ts';
import { searchQuery } from '../search-args.ts';

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

/** Writes next to the target and renames at the end: no half file under the final name. */
async function saveOriginal(client: OrigoClient, image: SourceImage, file: string): Promise<void> {
  const partial = `${file}.part`;
  const hash = createHash('sha1');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const { stream } = await client.downloadSourceImage(image.organization, image.hash);
    await pipeline(Readable.from(chunksOf(stream)), tap, createWriteStream(partial));
    const sha1 = hash.digest('hex');
    if (sha1 !== image.binary_hash)
      throw new Error(`got bytes with sha1 ${sha1}, the image's binary_hash is ${image.binary_hash}`);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

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
      '\nFiles are named after the image (else <hash>.<format>) and checked against binary_hash.\n\nExamples:\n  origo download --org acme 1a2b3c… --out ./pics\n  origo download --org acme --search user:str:tag=beach --out ./beach',
    )
    .action(
      action(async (ctx, args, command) => {
        const opts = command.opts<DownloadOptions>();
        if (args.length === 0 && opts.search !== true)
          throw usageError('download needs hashes, or --search with field=value terms');
        const client = clientFor(ctx);
        const images: SourceImage[] = [];
        if (opts.search === true) {
          for await (const image of client.iterateSourceImages(opts.org, searchQuery(args, {}))) images.push(image);
        } else {
          for (const hash of args) images.push(await client.getSourceImage(opts.org, hash));
        }
        await mkdir(opts.out, { recursive: true });
        const taken = new Set<string>();
        const results: { hash: string; file?: string; error?: string }[] = [];
        for (const image of images) {
          let name = safeFileName(image.name);
          if (name === undefined || taken.has(name)) name = `${image.hash}.${image.format}`;
          taken.add(name);
          const file = path.join(opts.out, name);
          try {
            await saveOriginal(client, image, file);
            results.push({ hash: image.hash, file });
            if (!ctx.output.json) process.stderr.write(`downloaded ${image.hash} → ${file}\n`);
          } catch (err) {
            if (isRunEnding(err)) throw err;
            const message = err instanceof Error ? err.message : String(err);
            results.push({ hash: image.hash, error: message });
            ctx.output.warn(`failed ${image.hash}: ${message}`);
          }
        }
        const failed = results.filter((r) => r.error !== undefined).length;
        ctx.output.result(
          { downloaded: results.length - failed, failed, items: results },
          () => `downloaded ${results.length - failed}, failed ${failed}`,
        );
        return failed > 0 ? EXIT.someFailed : EXIT.ok;
      }),
    );
}
