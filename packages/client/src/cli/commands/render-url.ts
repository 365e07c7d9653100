// `origo render-url`: the URL of an image rendered through a named stack or
// dynamic operations, built by the SDK's render URL builder; signed by the
// server (--sign) or locally with the organization's signing key.

import type { Command } from 'commander';
import { renderUrl, signUrl } from '../../render/index.ts';
import { action } from '../action.ts';
import { clientFor } from '../client-for.ts';
import { collect } from '../parse-args.ts';
import { renderOperation } from '../render-operation.ts';

interface RenderOptions {
  org: string;
  stack?: string;
  operation?: string[];
  format: string;
  filename?: string;
  renderHost?: string;
  sign?: boolean;
  signingKey?: string;
}

export function renderUrlCommand(program: Command): void {
  program
    .command('render-url')
    .description('print the render URL of an image through a stack or dynamic operations')
    .argument('<hash>')
    .requiredOption('--org <org>', 'organization')
    .option('--stack <name>', 'a named stack (default: dynamic, with --operation)')
    .option('--operation <op>', 'name:option=value,… e.g. resize:width=300 (repeatable, in order)', collect)
    .option('--format <format>', 'jpg, png, webp, avif, …', 'jpg')
    .option('--filename <name>', 'a file name for the URL (SEO), without extension')
    .option('--render-host <url>', 'where renders are served, {organization} replaced (default <server>/render/<org>)')
    .option('--sign', 'have the server sign the URL')
    .option('--signing-key <key>', "sign locally with the organization's signing key")
    .addHelpText(
      'after',
      '\nExamples:\n  origo render-url --org acme <hash> --stack thumbnail --format webp\n  origo render-url --org acme <hash> --operation resize:width=300 --operation grayscale',
    )
    .action(
      action(async (ctx, [hash], command) => {
        const opts = command.opts<RenderOptions>();
        const host = opts.renderHost === undefined ? { baseUrl: ctx.settings.url } : { renderHost: opts.renderHost };
        let url = renderUrl({
          ...host,
          organization: opts.org,
          hash: hash!,
          format: opts.format,
          ...(opts.stack !== undefined && { stack: opts.stack }),
          operations: (opts.operation ?? []).map(renderOperation),
          ...(opts.filename !== undefined && { seoName: opts.filename }),
        });
        if (opts.signingKey !== undefined) url = await signUrl(url, opts.signingKey);
        else if (opts.sign === true) url = await clientFor(ctx).signUrlOnServer(opts.org, url);
        ctx.output.result({ url }, () => url);
        return undefined;
      }),
    );
}
