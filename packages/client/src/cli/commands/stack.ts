// `origo stack list|get|put|delete`: named stacks of an organization.

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Stack, StackInput } from '../../types/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { usageError } from '../exit-codes.ts';
import { type Column, formatTable } from '../output.ts';
import { collect } from '../parse-args.ts';
import { parseOperationText } from '../render-operation.ts';

const COLUMNS: Column<Stack>[] = [
  { title: 'NAME', value: (s) => s.name },
  { title: 'OPERATIONS', value: (s) => s.stack_operations.map((o) => o.name).join(', ') },
  { title: 'CREATED', value: (s) => s.created },
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

async function stackBody(file: string | undefined, operations: string[]): Promise<StackInput> {
  if (file !== undefined) {
    const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw usageError(
        `${file === '-' ? 'stdin' : file} is not JSON: give a stack body such as {"operations":[{"name":"resize","options":{"width":200}}]}`,
      );
    }
  }
  if (operations.length === 0)
    throw usageError('stack put needs --operation name:option=value (repeatable) or --file stack.json');
  return { operations: operations.map(parseOperationText) };
}

export function stackCommand(program: Command): void {
  const stack = program.command('stack').description('list, show, create and delete named stacks');
  const org = (c: Command) => c.opts<{ org: string }>().org;

  stack
    .command('list')
    .description('the stacks of an organization')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, _args, command) => {
        const list = await clientFor(ctx).listStacks(org(command));
        ctx.output.result(list, () => formatTable(list.items, COLUMNS));
        return undefined;
      }),
    );

  stack
    .command('get')
    .description('one stack with its operations and options')
    .argument('<name>')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [name], command) => {
        const found = await clientFor(ctx).getStack(org(command), name!);
        ctx.output.result(found, () => JSON.stringify(found, null, 2));
        return undefined;
      }),
    );

  stack
    .command('put')
    .description('create or replace a stack')
    .argument('<name>')
    .requiredOption('--org <org>', 'organization')
    .option('--operation <op>', 'name:option=value,… (repeatable, in order)', collect)
    .option('--file <file>', 'the stack body as JSON ("-" for stdin)')
    .addHelpText(
      'after',
      '\nExample:\n  origo stack put thumb --org acme --operation resize:width=200,height=200 --operation crop:width=200,height=200',
    )
    .action(
      action(async (ctx, [name], command) => {
        const opts = command.opts<{ org: string; operation?: string[]; file?: string }>();
        const body = await stackBody(opts.file, opts.operation ?? []);
        const saved = await clientFor(ctx).createStack(opts.org, name!, body, { overwrite: true });
        ctx.output.result(saved, () => `saved stack ${saved.name}`);
        return undefined;
      }),
    );

  stack
    .command('delete')
    .description('delete a stack')
    .argument('<name>')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [name], command) => {
        await clientFor(ctx).deleteStack(org(command), name!);
        ctx.output.result({ deleted: name }, () => `deleted stack ${name}`);
        return undefined;
      }),
    );
}
