// `origo import`: copies images into an organization, either from an
// organization of any rokka-compatible server (rokka.io or another origo) or
// from a folder `origo export` wrote. Resumable: a re-run copies only what is
// missing. The work is in move/; this file only reads the flags.

import type { Command } from 'commander';
import { DEFAULT_CONCURRENCY, endpointFromClient, importFromDir, importFromServer } from '../../move/index.ts';
import { action } from '../action.ts';
import { clientFor, clientOf } from '../client-for.ts';
import { usageError } from '../exit-codes.ts';
import { SOURCE_FLAGS, TARGET_FLAGS } from '../move-failure.ts';
import { parseConcurrency } from '../parse-args.ts';
import { runMove } from '../run-move.ts';
import { parseQuery } from '../search-args.ts';
import { resolveSourceSettings } from '../settings.ts';

interface ImportFlags {
  org: string;
  fromUrl?: string;
  fromKey?: string;
  fromOrg?: string;
  fromDir?: string;
  query?: string;
  concurrency: number;
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
    .option('--concurrency <n>', 'images copied at a time (1 to 64)', parseConcurrency, DEFAULT_CONCURRENCY)
    .addHelpText('after', HELP)
    .action(
      action(async (ctx, _args, command) => {
        const flags = command.opts<ImportFlags>();
        return runMove(ctx, {
          resume: resumeLine(flags),
          flags: { source: SOURCE_FLAGS, target: TARGET_FLAGS },
          async run(signal, onProgress) {
            const target = endpointFromClient(clientFor(ctx));
            const { concurrency } = flags;
            if (flags.fromDir !== undefined) {
              if (flags.fromUrl !== undefined || flags.fromOrg !== undefined || flags.query !== undefined) {
                throw usageError('--from-dir cannot be combined with --from-url, --from-org or --query');
              }
              return importFromDir({ dir: flags.fromDir, target, org: flags.org, concurrency, onProgress, signal });
            }
            if (flags.fromUrl === undefined) throw usageError('give --from-url with --from-org, or --from-dir');
            if (flags.fromOrg === undefined) throw usageError('--from-org is missing: the organization to copy from');
            return importFromServer({
              source: endpointFromClient(clientOf(resolveSourceSettings(flags))),
              sourceOrg: flags.fromOrg,
              target,
              targetOrg: flags.org,
              query: parseQuery(flags.query),
              concurrency,
              onProgress,
              signal,
            });
          },
        });
      }),
    );
}

/** The command to run again, without keys (they come from where they came from before). */
function resumeLine(flags: ImportFlags): string {
  if (flags.fromDir !== undefined) return `origo import --from-dir ${flags.fromDir} --org ${flags.org}`;
  return `origo import --from-url ${flags.fromUrl ?? '…'} --from-org ${flags.fromOrg ?? '…'} --org ${flags.org} …`;
}
