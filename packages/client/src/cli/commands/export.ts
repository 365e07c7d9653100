// `origo export --org <org> <dir>`: writes an organization's originals into a
// folder (`<hash>.<format>`) with manifest.ndjson describing every image, so
// `origo import --from-dir` can bring it back exactly. Resumable: files
// already there with the right size and sha1 are kept.

import type { Command } from 'commander';
import { DEFAULT_CONCURRENCY, endpointFromClient, exportToDir } from '../../move/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { TARGET_FLAGS } from '../move-failure.ts';
import { parseConcurrency } from '../parse-args.ts';
import { runMove } from '../run-move.ts';
import { parseQuery } from '../search-args.ts';

interface ExportFlags {
  org: string;
  query?: string;
  concurrency: number;
}

const HELP = `
The folder gets one file per image, named <hash>.<format> (never the image's
own name, so nothing can land outside the folder), and manifest.ndjson with
one line per image: hash, binary_hash, name, format, size, user and dynamic
metadata, protected, locked, created, and the file. Run the same command
again to resume or to refresh an export.

Example:
  origo export --org shop ./shop-export && origo import --from-dir ./shop-export --org shop-copy`;

export function exportCommand(program: Command): void {
  program
    .command('export')
    .description("write an organization's originals and a manifest of every field into a folder")
    .argument('<dir>', 'folder to write into (created when missing)')
    .requiredOption('--org <org>', 'organization to export')
    .option('--query <filters>', 'only images matching these search filters, e.g. "format=jpg"')
    .option('--concurrency <n>', 'images downloaded at a time (1 to 64)', parseConcurrency, DEFAULT_CONCURRENCY)
    .addHelpText('after', HELP)
    .action(
      action(async (ctx, [dir], command) => {
        const flags = command.opts<ExportFlags>();
        return runMove(ctx, {
          resume: `origo export --org ${flags.org} ${dir}`,
          // The organization exported is read with the command's own server settings.
          flags: { source: TARGET_FLAGS },
          run: (signal, onProgress) =>
            exportToDir({
              source: endpointFromClient(clientFor(ctx)),
              org: flags.org,
              dir: dir!,
              query: parseQuery(flags.query),
              concurrency: flags.concurrency,
              onProgress,
              signal,
            }),
        });
      }),
    );
}
