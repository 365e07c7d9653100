// `origo login`: stores the server URL and API key in the config file
// (mode 0600) so later commands need neither flags nor environment. The key
// is tried against the server first; a refused key or a server that does not
// answer leaves the file as it was.

import type { Command } from 'commander';
import { action } from '../action.ts';
import { checkLogin } from '../check-login.ts';
import { configPath, readConfig, writeConfig } from '../config-file.ts';
import { usageError } from '../exit-codes.ts';
import { DEFAULT_URL } from '../settings.ts';

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('store the server URL and API key in the config file (mode 0600)')
    .addHelpText(
      'after',
      '\nWrites $XDG_CONFIG_HOME/origo/config.json (else ~/.config/origo/config.json).\nFlags (--url, --key) and ORIGO_URL / ORIGO_API_KEY still win over it.\nThe key is checked against the server first: exit 3 when it is refused,\n5 when the server cannot be reached, and then nothing is written.\n\nExample:\n  origo login --url https://images.example.com --key $KEY',
    )
    .action(
      action(async (ctx, _args, command) => {
        const globals = command.optsWithGlobals<{ url?: string; key?: string }>();
        if (globals.url === undefined && globals.key === undefined) {
          throw usageError(
            'origo login needs --url and/or --key: e.g. origo login --url http://127.0.0.1:8080 --key <key>',
          );
        }
        const file = configPath();
        const previous = await readConfig(file);
        const next = {
          ...previous,
          ...(globals.url !== undefined && { url: globals.url }),
          ...(globals.key !== undefined && { apiKey: globals.key }),
        };
        await checkLogin(next.url ?? DEFAULT_URL, next.apiKey);
        await writeConfig(file, next);
        ctx.output.result(
          { config: file, url: next.url ?? null, apiKey: next.apiKey !== undefined },
          () => `saved to ${file}`,
        );
        return undefined;
      }),
    );
}
