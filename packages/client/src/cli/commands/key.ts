// `origo key list|create|delete|current`: the API keys of the calling user.

import type { Command } from 'commander';
import type { ApiKey } from '../../types/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { type Column, formatTable } from '../output.ts';

const COLUMNS: Column<ApiKey>[] = [
  { title: 'ID', value: (k) => k.id },
  { title: 'COMMENT', value: (k) => k.comment ?? '' },
  { title: 'CREATED', value: (k) => k.created },
  { title: 'LAST USED', value: (k) => k.accessed ?? '' },
];

export function keyCommand(program: Command): void {
  const key = program.command('key').description("manage the calling user's API keys");

  key
    .command('list')
    .description('the API keys (never the keys themselves)')
    .action(
      action(async (ctx) => {
        const keys = await clientFor(ctx).listApiKeys();
        ctx.output.result(keys, () => formatTable(keys, COLUMNS));
        return undefined;
      }),
    );

  key
    .command('create')
    .description('a new API key (printed once: store it)')
    .option('--comment <text>', 'what the key is for')
    .action(
      action(async (ctx, _args, command) => {
        const made = await clientFor(ctx).addApiKey(command.opts<{ comment?: string }>().comment);
        ctx.output.result(made, () => `key ${made.id} (shown once): ${made.api_key}`);
        return undefined;
      }),
    );

  key
    .command('delete')
    .description('delete an API key by its id')
    .argument('<id>')
    .action(
      action(async (ctx, [id]) => {
        await clientFor(ctx).deleteApiKey(id!);
        ctx.output.result({ deleted: id }, () => `deleted key ${id}`);
        return undefined;
      }),
    );

  key
    .command('current')
    .description('the key this command runs with')
    .action(
      action(async (ctx) => {
        const current = await clientFor(ctx).getCurrentApiKey();
        ctx.output.result(current, () => formatTable([current], COLUMNS));
        return undefined;
      }),
    );
}
