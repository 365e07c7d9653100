// `origo dynamic set|delete`: subject and crop areas. Dynamic metadata takes
// part in the image's hash, so each change prints the image's new hash.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { usageError } from '../exit-codes.ts';
import { type Area, parseArea } from '../parse-args.ts';

interface SetOptions {
  org: string;
  subjectArea?: Area;
  cropArea?: Area;
  deletePrevious?: boolean;
}

const NAMES = ['subject_area', 'crop_area'] as const;

export function dynamicCommand(program: Command): void {
  const dynamic = program
    .command('dynamic')
    .description('set or delete dynamic metadata (subject area, crop area); the image gets a new hash')
    .addHelpText('after', '\nExample:\n  origo dynamic set --org acme <hash> --subject-area 120,80,300,200');

  dynamic
    .command('set')
    .description('set the subject area and/or crop area of an image')
    .argument('<hash>')
    .requiredOption('--org <org>', 'organization')
    .option('--subject-area <x,y,w,h>', 'the part of the image renders keep in view', parseArea)
    .option('--crop-area <x,y,w,h>', 'the part of the image renders start from', parseArea)
    .option('--delete-previous', 'delete the image under its old hash')
    .action(
      action(async (ctx, [hash], command) => {
        const opts = command.opts<SetOptions>();
        if (!opts.subjectArea && !opts.cropArea) {
          throw usageError('dynamic set needs --subject-area x,y,w,h and/or --crop-area x,y,w,h');
        }
        const client = clientFor(ctx);
        const flags = { deletePrevious: opts.deletePrevious === true };
        let current = hash!;
        // Each change makes a new hash; with both, the second applies to the image the first made.
        if (opts.subjectArea) {
          current = (await client.putSourceImageMetaDynamic(opts.org, current, 'subject_area', opts.subjectArea, flags))
            .hash;
        }
        if (opts.cropArea) {
          // The image made by the subject area alone is nobody's: it goes, whatever --delete-previous says.
          const madeHere = current !== hash;
          const second = await client.putSourceImageMetaDynamic(opts.org, current, 'crop_area', opts.cropArea, {
            deletePrevious: flags.deletePrevious || madeHere,
          });
          current = second.hash;
        }
        ctx.output.result({ hash: current, previous: hash }, () => `new hash ${current}`);
        return undefined;
      }),
    );

  dynamic
    .command('delete')
    .description('delete a dynamic metadata entry of an image')
    .argument('<hash>')
    .argument('<name>', NAMES.join(' or '))
    .requiredOption('--org <org>', 'organization')
    .option('--delete-previous', 'delete the image under its old hash')
    .action(
      action(async (ctx, [hash, name], command) => {
        const opts = command.opts<SetOptions>();
        const { hash: next } = await clientFor(ctx).deleteSourceImageMetaDynamic(opts.org, hash!, name!, {
          deletePrevious: opts.deletePrevious === true,
        });
        ctx.output.result({ hash: next, previous: hash }, () => `new hash ${next}`);
        return undefined;
      }),
    );
}
