// `origo get`: one source image with every field.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { imageDetails } from '../image-table.ts';

export function getCommand(program: Command): void {
  program
    .command('get')
    .description('show one source image with all its fields and metadata')
    .argument('<hash>', 'hash (or short hash) of the image')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (ctx, [hash], command) => {
        const { org } = command.opts<{ org: string }>();
        const image = await clientFor(ctx).getSourceImage(org, hash!);
        ctx.output.result(image, () => imageDetails(image));
        return undefined;
      }),
    );
}
