// `origo delete`, `restore`, `copy` and `copy-all`: an image's life and its
// copies in other organizations.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { classifyError } from '../classify-error.ts';
import { clientFor } from '../client-for.ts';
import { EXIT, usageError } from '../exit-codes.ts';
import { interruptedLine, stopOnInterrupt } from '../interrupt.ts';
import { parsePositiveInt } from '../parse-args.ts';

interface OrgOptions {
  org?: string;
  to?: string;
  batch?: number;
}

export function lifecycleCommands(program: Command): void {
  program
    .command('delete')
    .description('delete images (restorable with `origo restore` for a while)')
    .argument('<hashes...>')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, hashes, command) => {
        const { org } = command.opts<{ org: string }>();
        const client = clientFor(ctx);
        const failed: { hash: string; error: string }[] = [];
        for (const hash of hashes) {
          try {
            await client.deleteSourceImage(org, hash);
          } catch (err) {
            // One unknown hash among several is that item failing; a bad key or a dead server ends the run.
            const { exitCode } = classifyError(err, '');
            if (hashes.length === 1 || exitCode === EXIT.auth || exitCode === EXIT.unreachable) throw err;
            const error = err instanceof Error ? err.message : String(err);
            failed.push({ hash, error });
            ctx.output.warn(`failed ${hash}: ${error}`);
          }
        }
        const deleted = hashes.length - failed.length;
        ctx.output.result({ deleted, failed }, () => `deleted ${deleted}, failed ${failed.length}`);
        return failed.length > 0 ? EXIT.someFailed : EXIT.ok;
      }),
    );

  program
    .command('restore')
    .description('restore a deleted image')
    .argument('<hash>')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [hash], command) => {
        const { org } = command.opts<{ org: string }>();
        const image = await clientFor(ctx).restoreSourceImage(org, hash!);
        ctx.output.result(image, () => `restored ${image.hash} (${image.name})`);
        return undefined;
      }),
    );

  program
    .command('copy')
    .description('copy an image to another organization (same hash there)')
    .argument('<hash>')
    .requiredOption('--org <org>', 'organization it is in')
    .requiredOption('--to <org>', 'organization to copy it to')
    .option('--no-overwrite', 'keep an image already at the destination')
    .action(
      action(async (ctx, [hash], command) => {
        const opts = command.opts<OrgOptions & { overwrite: boolean }>();
        await clientFor(ctx).copySourceImage(opts.org!, hash!, opts.to!, { overwrite: opts.overwrite });
        ctx.output.result({ hash, from: opts.org, to: opts.to }, () => `copied ${hash} from ${opts.org} to ${opts.to}`);
        return undefined;
      }),
    );

  program
    .command('copy-all')
    .description('copy every image of an organization to another one')
    .argument('[org]', 'organization to copy from (or --org)')
    .option('--org <org>', 'organization to copy from')
    .requiredOption('--to <org>', 'organization to copy to')
    .option('--batch <n>', 'hashes per copy request (at most 100)', parsePositiveInt, 100)
    .addHelpText(
      'after',
      '\nImages already in the destination are counted as existing; a re-run copies only what is missing.\nCtrl-C stops after the copy request under way and exits 130: run the same command again to resume.\n\nExample:\n  origo copy-all acme --to acme-archive',
    )
    .action(
      action(async (ctx, [fromArg], command) => {
        const opts = command.opts<OrgOptions>();
        const from = fromArg ?? opts.org;
        if (from === undefined)
          throw usageError('copy-all needs the organization to copy from: origo copy-all <org> --to <org2>');
        const client = clientFor(ctx);
        // A copy request under way is finished by the server anyway: the first Ctrl-C lets it answer, then stops.
        const stop = stopOnInterrupt('waiting for the copy request under way');
        const totals = { created: 0, existing: 0, notfound: 0 };
        let batch: string[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const result = await client.copySourceImages(from, batch, opts.to!);
          totals.created += result.created.length;
          totals.existing += result.existing.length;
          totals.notfound += result.notfound.length;
          // Progress on stderr, so stdout holds only the result.
          if (!ctx.output.json) process.stderr.write(`copied ${totals.created + totals.existing} images so far\n`);
          batch = [];
        };
        try {
          for await (const image of client.iterateSourceImages(from, {})) {
            if (stop.signal.aborted) break;
            batch.push(image.hash);
            if (batch.length >= Math.min(opts.batch ?? 100, 100)) await flush();
          }
          if (!stop.signal.aborted) await flush();
        } finally {
          stop.release();
        }
        const interrupted = stop.signal.aborted;
        ctx.output.result(
          { from, to: opts.to, ...totals, interrupted },
          () => `copied ${totals.created}, already there ${totals.existing}, not found ${totals.notfound}`,
        );
        if (interrupted) {
          ctx.output.warn(interruptedLine(`${totals.created + totals.existing} images copied to ${opts.to}`));
          return EXIT.interrupted;
        }
        return totals.notfound > 0 ? EXIT.someFailed : EXIT.ok;
      }),
    );
}
