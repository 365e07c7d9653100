// `origo export --org <org> <dir>`: writes an organization's originals into a
// folder (`<hash>.<format>`) with manifest.ndjson describing every image, so
// `origo import --from-dir` can bring it back exactly. Resumable: files
// already there with the right size and sha1 are kept.

import type { Command } from 'commander';
import { OrigoClient } from '../../client.ts';
import { TARGET_FLAGS } from '../../move/cli-exit.ts';
import { parseConcurrency, parseQuery } from '../../move/cli-options.ts';
import { runMove } from '../../move/cli-run.ts';
import { targetSettings } from '../../move/cli-settings.ts';
import { DEFAULT_CONCURRENCY, endpointFromClient, exportToDir } from '../../move/index.ts';

interface ExportFlags {
  org: string;
  query?: string;
  concurrency: string;
  url?: string;
  key?: string;
  json?: boolean;
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
    .option('--concurrency <n>', 'images downloaded at a time', String(DEFAULT_CONCURRENCY))
    .addHelpText('after', HELP)
    .action(async (dir: string, _options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<ExportFlags>();
      await runMove({
        json: flags.json === true,
        resume: `origo export --org ${flags.org} ${dir}`,
        // The organization exported is read with the command's own server settings.
        flags: { source: TARGET_FLAGS },
        async run(signal, onProgress) {
          const concurrency = parseConcurrency(flags.concurrency);
          const settings = await targetSettings(flags);
          const client = new OrigoClient(
            settings.apiKey === undefined ? { url: settings.url } : { url: settings.url, apiKey: settings.apiKey },
          );
          return exportToDir({
            source: endpointFromClient(client),
            org: flags.org,
            dir,
            query: parseQuery(flags.query),
            concurrency,
            onProgress,
            signal,
          });
        },
      });
    });
}
