// `origo upload`: sends files, folders and globs to an organization with a
// progress bar; files already stored (same sha1) are skipped, so a run
// stopped by Ctrl-C or a lost connection resumes when started again.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { EXIT, usageError } from '../exit-codes.ts';
import { interruptedLine, stopOnInterrupt } from '../interrupt.ts';
import { isRunEnding } from '../is-fatal.ts';
import { collect, parseMetaPairs, parsePositiveInt } from '../parse-args.ts';
import { createProgress, LINES_FROM_BYTES } from '../progress.ts';
import { sha1OfFile } from '../sha1.ts';
import { storedLookup } from '../stored-lookup.ts';
import { runUploadQueue } from '../upload-queue.ts';
import { expandInputs } from '../walk.ts';

interface UploadOptions {
  org: string;
  metaUser?: string[];
  concurrency: number;
}

export function uploadCommand(program: Command): void {
  program
    .command('upload')
    .description('upload files, folders and globs; skips files already stored, so a re-run resumes')
    .argument('<paths...>', 'files, folders (read recursively) or quoted globs ("photos/**/*.jpg")')
    .requiredOption('--org <org>', 'organization to upload to')
    .option(
      '--meta-user <key=value>',
      'user metadata for every file (repeatable; int:/double:/bool: prefixes type it)',
      collect,
    )
    .option('--concurrency <n>', 'uploads at the same time', parsePositiveInt, 4)
    .addHelpText(
      'after',
      '\nFiles whose bytes (sha1) the organization already holds are skipped.\nCtrl-C stops starting new uploads and waits for the running ones; run the\nsame command again to resume. Exit 1 when some files failed, 130 when stopped.\n\nExample:\n  origo upload ./photos "extra/**/*.jpg" --org acme --meta-user source=camera',
    )
    .action(
      action(async (ctx, args, command) => {
        const opts = command.opts<UploadOptions>();
        const metaUser = parseMetaPairs(opts.metaUser ?? []);
        const files = await expandInputs(args);
        if (files.length === 0)
          throw usageError(`nothing to upload in ${args.join(' ')}: give files, folders or globs`);
        // Ctrl-C from here on, also while the listing is read, ends with the resume hint.
        const stop = stopOnInterrupt('waiting for the running uploads to finish');
        const release = stop.release;
        const client = clientFor(ctx);
        const findStored = await storedLookup(client, opts.org, files.length).catch((err: unknown) => {
          release();
          throw err;
        });
        // A file smaller than a progress step is read once: the bytes hashed are the bytes sent,
        // and a second open per file (a good part of a small upload's cost) is saved.
        const heldBytes = new Map<string, Buffer>();
        const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
        const progress = createProgress({ files: files.length, bytes: totalBytes });
        const summary = await runUploadQueue(
          files,
          {
            sha1: async (file) => {
              if (file.size >= LINES_FROM_BYTES) return sha1OfFile(file.path);
              const bytes = await readFile(file.path);
              heldBytes.set(file.path, bytes);
              return createHash('sha1').update(bytes).digest('hex');
            },
            findStored,
            upload: async (file) => {
              const created = await client.createSourceImage(
                opts.org,
                path.basename(file.path),
                heldBytes.get(file.path) ?? { path: file.path },
                {
                  ...(Object.keys(metaUser).length > 0 && { metaUser }),
                  // Sending the same bytes again finds the same image, so a lost answer may be retried.
                  retry: true,
                  // A large file moves the bar as its chunks go (a small one is sent whole, as one Blob).
                  ...(file.size >= LINES_FROM_BYTES && {
                    onProgress: (sent: number) => progress.moving(file.path, file.size, sent),
                  }),
                },
              );
              return created.hash;
            },
            isFatal: isRunEnding,
          },
          {
            concurrency: opts.concurrency,
            stop: stop.signal,
            onDone: (result, file) => {
              heldBytes.delete(file.path);
              progress.done(file.path, file.size, result.outcome, result.hash ?? result.error);
            },
          },
        ).finally(release);
        progress.finish();

        const count = (o: string) => summary.results.filter((r) => r.outcome === o).length;
        const totals = {
          stored: count('stored'),
          skipped: count('skipped'),
          failed: count('failed'),
          notStarted: summary.notStarted,
        };
        ctx.output.result(
          { ...totals, interrupted: stop.signal.aborted, items: summary.results },
          () =>
            `stored ${totals.stored}, skipped ${totals.skipped} (already stored), failed ${totals.failed}, not started ${totals.notStarted}`,
        );
        if (summary.fatal !== undefined) throw summary.fatal;
        if (stop.signal.aborted) {
          const done = summary.results.length;
          ctx.output.warn(interruptedLine(`${done} of ${files.length} files done`));
          return EXIT.interrupted;
        }
        if (totals.failed > 0) {
          ctx.output.warn(
            `origo: ${totals.failed} of ${files.length} files failed (listed above): fix them and run the same command again; stored files are skipped`,
          );
          return EXIT.someFailed;
        }
        return EXIT.ok;
      }),
    );
}
