// `origo org get|create|option`: organizations and their options.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';

function parseOptionValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function orgCommand(program: Command): void {
  const org = program.command('org').description('show and create organizations, set their options');

  org
    .command('get')
    .description('an organization with its options')
    .argument('<name>')
    .action(
      action(async (ctx, [name]) => {
        const found = await clientFor(ctx).getOrganization(name!);
        ctx.output.result(found, () => JSON.stringify(found, null, 2));
        return undefined;
      }),
    );

  org
    .command('create')
    .description('create an organization')
    .argument('<name>')
    .requiredOption('--billing-email <email>', 'billing e-mail address')
    .option('--display-name <name>', 'a name for people (default: the name)')
    .action(
      action(async (ctx, [name], command) => {
        const opts = command.opts<{ billingEmail: string; displayName?: string }>();
        const made = await clientFor(ctx).createOrganization(name!, {
          billing_email: opts.billingEmail,
          display_name: opts.displayName ?? name!,
        });
        ctx.output.result(made, () => `created organization ${made.name}`);
        return undefined;
      }),
    );

  org
    .command('option')
    .description('set one organization option (the value is read as JSON when it parses, else as text)')
    .argument('<name>', 'organization')
    .argument('<option>', 'e.g. protect_dynamic_stack, remote_basepath')
    .argument('<value>', 'e.g. true, "https://…", null to unset')
    .action(
      action(async (ctx, [name, option, value]) => {
        const options = await clientFor(ctx).setOrganizationOption(name!, option!, parseOptionValue(value!));
        ctx.output.result(options, () => `set ${option} on ${name}`);
        return undefined;
      }),
    );
}
