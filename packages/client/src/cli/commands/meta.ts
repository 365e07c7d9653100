// `origo meta get|set|patch|delete`: an image's user metadata. Changing it
// keeps the image's hash (unlike dynamic metadata).

import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { usageError } from '../exit-codes.ts';
import { parseMetaPairs } from '../parse-args.ts';

const orgOf = (command: Command): string => command.opts<{ org: string }>().org;

const pairLines = (meta: Record<string, unknown>): string =>
  Object.keys(meta).length === 0
    ? '(no user metadata)'
    : Object.entries(meta)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join('\n');

export function metaCommand(program: Command): void {
  const meta = program
    .command('meta')
    .description('read and change user metadata of an image')
    .addHelpText(
      'after',
      '\nValues are strings unless the key has a type prefix: int:n=5, double:x=1.5, bool:ok=true.\n\nExample:\n  origo meta patch --org acme <hash> title=Beach int:rating=4',
    );

  meta
    .command('get')
    .description("show an image's user metadata")
    .argument('<hash>')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [hash], command) => {
        const values = await clientFor(ctx).getSourceImageMetaUser(orgOf(command), hash!);
        ctx.output.result(values, () => pairLines(values));
        return undefined;
      }),
    );

  meta
    .command('set')
    .description('replace all user metadata of an image with these key=value pairs')
    .argument('<hash>')
    .argument('<pairs...>', 'key=value')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [hash, ...pairs], command) => {
        const values = parseMetaPairs(pairs);
        await clientFor(ctx).putSourceImageMetaUser(orgOf(command), hash!, values);
        ctx.output.result({ hash, user_metadata: values }, () => `set ${Object.keys(values).length} fields on ${hash}`);
        return undefined;
      }),
    );

  meta
    .command('patch')
    .description('add or change these key=value pairs, keeping the others')
    .argument('<hash>')
    .argument('<pairs...>', 'key=value')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [hash, ...pairs], command) => {
        const values = parseMetaPairs(pairs);
        await clientFor(ctx).patchSourceImageMetaUser(orgOf(command), hash!, values);
        ctx.output.result({ hash, patched: values }, () => `patched ${Object.keys(values).length} fields on ${hash}`);
        return undefined;
      }),
    );

  meta
    .command('delete')
    .description('delete the named fields, or with --all every user metadata field')
    .argument('<hash>')
    .argument('[keys...]', 'field names (with their type prefix)')
    .requiredOption('--org <org>', 'organization')
    .option('--all', 'delete every field')
    .action(
      action(async (ctx, [hash, ...keys], command) => {
        const client = clientFor(ctx);
        const org = orgOf(command);
        if (command.opts<{ all?: boolean }>().all === true) {
          await client.deleteSourceImageMetaUser(org, hash!);
        } else {
          if (keys.length === 0) throw usageError('meta delete needs field names, or --all to delete every field');
          for (const key of keys) await client.deleteSourceImageMetaUserField(org, hash!, key);
        }
        ctx.output.result({ hash, deleted: keys.length > 0 ? keys : 'all' }, () => `deleted user metadata on ${hash}`);
        return undefined;
      }),
    );
}
