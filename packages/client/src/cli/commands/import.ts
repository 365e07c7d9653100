// `origo import`: copies images into an organization, either from an
// organization of any rokka-compatible server (rokka.io or another origo) or
// from a folder `origo export` wrote. Resumable: a re-run copies only what is
// missing. The work is in move/; this file only reads the flags.

import type { Command } from 'commander';
import { OrigoClient } from '../../client.ts';
import { MoveUsageError, SOURCE_FLAGS, TARGET_FLAGS } from '../../move/cli-exit.ts';
import { parseConcurrency, parseQuery } from '../../move/cli-options.ts';
import { runMove } from '../../move/cli-run.ts';
import { sourceSettings, targetSettings } from '../../move/cli-settings.ts';
import { DEFAULT_CONCURRENCY, endpointFromClient, importFromDir, importFromServer } from '../../move/index.ts';

interface ImportFlags {
  org: string;
  fromUrl?: string;
  fromKey?: string;
  fromOrg?: string;
  fromDir?: string;
  query?: string;
  concurrency: string;
  url?: string;
  key?: string;
  json?: boolean;
}

const HELP = `
Copies, for every image: the original (checked against its binary_hash), the
name, user and dynamic metadata, the protected and locked flags; the copy's
hash must equal the source's. Images already in --org (same hash) are
skipped, so running the same command again resumes an interrupted import.
One image failing never stops the others; the exit code is then 1.

Examples:
  origo import --from-url https://api.rokka.io --from-key $ROKKA_KEY --from-org shop --org shop
  origo import --from-url http://old:8080 --from-org shop --org shop --query 'user:category=shoes'
  origo import --from-dir ./shop-export --org shop

The source key may also come from ORIGO_FROM_API_KEY; the target is --url/--key
as for every command.`;

export function importCommand(program: Command): void {
  program
    .command('import')
    .description('copy images into an organization from a rokka-compatible server or an exported folder')
    .requiredOption('--org <org>', 'organization to import into (on --url)')
    .option('--from-url <url>', 'API address of the server to copy from, e.g. https://api.rokka.io')
    .option('--from-key <key>', 'API key on that server (else ORIGO_FROM_API_KEY)')
    .option('--from-org <org>', 'organization to copy from')
    .option('--from-dir <dir>', 'folder written by `origo export` (its manifest.ndjson and files)')
    .option('--query <filters>', 'only images matching these search filters, e.g. "user:category=shoes&format=jpg"')
    .option('--concurrency <n>', 'images copied at a time', String(DEFAULT_CONCURRENCY))
    .addHelpText('after', HELP)
    .action(async (_options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<ImportFlags>();
      await runMove({
        json: flags.json === true,
        resume: resumeLine(flags),
        flags: { source: SOURCE_FLAGS, target: TARGET_FLAGS },
        async run(signal, onProgress) {
          const concurrency = parseConcurrency(flags.concurrency);
          const target = await targetSettings(flags);
          const targetEndpoint = endpointFromClient(new OrigoClient(clientOptions(target)));
          if (flags.fromDir !== undefined) {
            if (flags.fromUrl !== undefined || flags.fromOrg !== undefined || flags.query !== undefined) {
              throw new MoveUsageError('--from-dir cannot be combined with --from-url, --from-org or --query');
            }
            return importFromDir({
              dir: flags.fromDir,
              target: targetEndpoint,
              org: flags.org,
              concurrency,
              onProgress,
              signal,
            });
          }
          if (flags.fromUrl === undefined) throw new MoveUsageError('give --from-url with --from-org, or --from-dir');
          if (flags.fromOrg === undefined)
            throw new MoveUsageError('--from-org is missing: the organization to copy from');
          const source = sourceSettings(flags);
          return importFromServer({
            source: endpointFromClient(new OrigoClient(clientOptions(source))),
            sourceOrg: flags.fromOrg,
            target: targetEndpoint,
            targetOrg: flags.org,
            query: parseQuery(flags.query),
            concurrency,
            onProgress,
            signal,
          });
        },
      });
    });
}

function clientOptions(settings: { url: string; apiKey: string | undefined }) {
  return settings.apiKey === undefined ? { url: settings.url } : { url: settings.url, apiKey: settings.apiKey };
}

/** The command to run again, without keys (they come from where they came from before). */
function resumeLine(flags: ImportFlags): string {
  if (flags.fromDir !== undefined) return `origo import --from-dir ${flags.fromDir} --org ${flags.org}`;
  return `origo import --from-url ${flags.fromUrl ?? '…'} --from-org ${flags.fromOrg ?? '…'} --org ${flags.org} …`;
}
