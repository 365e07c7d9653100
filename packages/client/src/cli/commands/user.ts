// `origo user`: the calling user, new users, and members of organizations.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { collect } from '../parse-args.ts';

export function userCommand(program: Command): void {
  const user = program.command('user').description('the current user, new users, members of an organization');

  user
    .command('show')
    .description('the user the API key belongs to')
    .action(
      action(async (ctx) => {
        const me = await clientFor(ctx).getCurrentUser();
        ctx.output.result(me, () => `user ${me.user_id}${me.email ? ` <${me.email}>` : ''}`);
        return undefined;
      }),
    );

  user
    .command('create')
    .description('create a user with its own organization (prints its API key once)')
    .argument('<email>')
    .argument('<org>', 'organization to create for it')
    .action(
      action(async (ctx, [email, org]) => {
        const made = await clientFor(ctx).createUser(email!, org!);
        ctx.output.result(made, () => `user ${made.id}, API key (shown once): ${made.api_key}`);
        return undefined;
      }),
    );

  user
    .command('members')
    .description('the members of an organization')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, _args, command) => {
        const list = await clientFor(ctx).listMemberships(command.opts<{ org: string }>().org);
        ctx.output.result(list, () =>
          list.items.map((m) => `${m.user_id}  ${m.roles.join(',')}  ${m.email ?? ''}`.trimEnd()).join('\n'),
        );
        return undefined;
      }),
    );

  user
    .command('add')
    .description('give a user roles in an organization')
    .argument('<user_id>')
    .requiredOption('--org <org>', 'organization')
    .option('--role <role>', 'read, write, upload, admin (repeatable)', collect)
    .action(
      action(async (ctx, [userId], command) => {
        const opts = command.opts<{ org: string; role?: string[] }>();
        const roles = opts.role ?? ['read'];
        const membership = await clientFor(ctx).putMembership(opts.org, userId!, roles);
        ctx.output.result(membership, () => `${userId} in ${opts.org}: ${roles.join(', ')}`);
        return undefined;
      }),
    );

  user
    .command('remove')
    .description("remove a user's membership of an organization")
    .argument('<user_id>')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [userId], command) => {
        const { org } = command.opts<{ org: string }>();
        await clientFor(ctx).deleteMembership(org, userId!);
        ctx.output.result({ removed: userId, org }, () => `removed ${userId} from ${org}`);
        return undefined;
      }),
    );
}
