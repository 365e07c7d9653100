// `origo render-url`: the URL of an image rendered through a stack (a named
// one or `dynamic/…` operations), optionally signed by the server.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { usageError } from '../exit-codes.ts';

interface RenderOptions {
  org: string;
  stack: string;
  format: string;
  filename?: string;
  base?: string;
  sign?: boolean;
}

const FORMAT = /^[a-z0-9]{2,5}$/;
const HASH = /^[0-9a-f]{6,40}$/;
const SEO = /^[A-Za-z0-9_.-]{1,150}$/;

/** `{base}/{stack}/{hash}[/{filename}].{format}` where base is the organization's render root. */
export function renderUrl(base: string, stack: string, hash: string, format: string, filename?: string): string {
  const seo = filename === undefined ? '' : `/${filename}`;
  const stackPath = stack
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return `${base.replace(/\/+$/, '')}/${stackPath}/${hash}${seo}.${format}`;
}

export function renderUrlCommand(program: Command): void {
  program
    .command('render-url')
    .description('print the render URL of an image through a stack')
    .argument('<hash>')
    .requiredOption('--org <org>', 'organization')
    .requiredOption(
      '--stack <stack>',
      'a stack name, or dynamic operations: "dynamic/resize-width-300--crop-width-200-height-200"',
    )
    .option('--format <format>', 'jpg, png, webp, avif, …', 'jpg')
    .option('--filename <name>', 'a file name for the URL (SEO), without extension')
    .option(
      '--base <url>',
      'render root of the organization (default <server>/render/<org>; e.g. https://acme.images.example.com)',
    )
    .option('--sign', 'have the server sign the URL (organizations that require signed URLs)')
    .addHelpText('after', '\nExample:\n  origo render-url --org acme <hash> --stack thumbnail --format webp')
    .action(
      action(async (ctx, [hash], command) => {
        const opts = command.opts<RenderOptions>();
        if (!HASH.test(hash!)) throw usageError(`${JSON.stringify(hash)} is not an image hash (6 to 40 hex digits)`);
        if (!FORMAT.test(opts.format))
          throw usageError(`--format ${JSON.stringify(opts.format)} is not a format such as jpg or webp`);
        if (opts.filename !== undefined && !SEO.test(opts.filename)) {
          throw usageError(
            `--filename ${JSON.stringify(opts.filename)} may hold only letters, digits, "_", "." and "-"`,
          );
        }
        const base = opts.base ?? `${ctx.settings.url.replace(/\/+$/, '')}/render/${encodeURIComponent(opts.org)}`;
        let url = renderUrl(base, opts.stack, hash!, opts.format, opts.filename);
        if (opts.sign === true) url = await clientFor(ctx).signUrlOnServer(opts.org, url);
        ctx.output.result({ url }, () => url);
        return undefined;
      }),
    );
}
