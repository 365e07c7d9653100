// `origo list` / `origo search`: the images of an organization, filtered by
// field=value terms, as a table or JSON; --all follows the cursor to the end.

import type { Command } from 'commander';
import type { SourceImage } from '../../types/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { imageTable } from '../image-table.ts';
import { parsePositiveInt } from '../parse-args.ts';
import { type ListingFlags, searchQuery } from '../search-args.ts';

interface ListOptions extends ListingFlags {
  org: string;
  all?: boolean;
}

function addListing(program: Command, name: string, description: string): void {
  program
    .command(name)
    .description(description)
    .argument('[query...]', 'field=value terms (name=cat, user:str:tag=beach, width=[100 TO *], …)')
    .requiredOption('--org <org>', 'organization')
    .option('--sort <sort>', 'e.g. "created desc"')
    .option('--limit <n>', 'images per page (server default 100)', parsePositiveInt)
    .option('--all', 'every match, following the cursor page after page')
    .option('--deleted', 'deleted images (restorable) instead of live ones')
    .option('--facets <fields>', 'comma-separated fields to count values of')
    .addHelpText('after', `\nExample:\n  origo ${name} --org acme name=beach* --sort "created desc" --json`)
    .action(
      action(async (ctx, args, command) => {
        const opts = command.opts<ListOptions>();
        const client = clientFor(ctx);
        const query = searchQuery(args, opts);
        if (opts.all === true) {
          const images: SourceImage[] = [];
          for await (const image of client.iterateSourceImages(opts.org, query)) images.push(image);
          ctx.output.result(
            { total: images.length, items: images },
            () => `${imageTable(images)}\n${images.length} images`,
          );
          return undefined;
        }
        const page = await client.searchSourceImages(opts.org, query);
        ctx.output.result(page, () => {
          const more = page.total > page.items.length ? ` (more: --all, or --limit)` : '';
          return `${imageTable(page.items)}\n${page.items.length} of ${page.total} images${more}`;
        });
        return undefined;
      }),
    );
}

export function listCommands(program: Command): void {
  addListing(program, 'list', 'list the images of an organization (a table, or --json)');
  addListing(program, 'search', 'search the images of an organization by field=value terms');
}
