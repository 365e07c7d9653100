// The `origo` program: global options, every command, and the help that
// documents settings and exit codes.

import { Command } from 'commander';
import { CLIENT_VERSION } from '../index.ts';
import { downloadCommand } from './commands/download.ts';
import { dynamicCommand } from './commands/dynamic.ts';
import { getCommand } from './commands/get.ts';
import { keyCommand } from './commands/key.ts';
import { lifecycleCommands } from './commands/lifecycle.ts';
import { listCommands } from './commands/list.ts';
import { loginCommand } from './commands/login.ts';
import { metaCommand } from './commands/meta.ts';
import { orgCommand } from './commands/org.ts';
import { renderUrlCommand } from './commands/render-url.ts';
import { stackCommand } from './commands/stack.ts';
import { uploadCommand } from './commands/upload.ts';
import { userCommand } from './commands/user.ts';
import { registerMovers } from './movers.ts';

const GLOBAL_HELP = `
Settings: --url / --key win over ORIGO_URL / ORIGO_API_KEY, which win over the
config file that \`origo login\` writes ($XDG_CONFIG_HOME/origo/config.json).

Exit codes:
  0  ok
  1  some items failed (the others were done)
  2  usage: a bad command, option or value
  3  auth: the API key is missing, wrong or lacks the right (HTTP 401/403)
  4  not found: organization, image or stack (HTTP 404)
  5  server unreachable
  130 interrupted (Ctrl-C): run the same command again to resume (upload,
      download, copy-all, import, export)`;

export async function buildProgram(): Promise<Command> {
  const program = new Command('origo')
    .description('work with an origo (or any rokka-compatible) image server')
    .version(CLIENT_VERSION)
    .option('--url <url>', 'server URL (else ORIGO_URL, else the config file)')
    .option('--key <key>', 'API key (else ORIGO_API_KEY, else the config file)')
    .option('--json', 'print results as JSON on stdout')
    .showHelpAfterError(false)
    .addHelpText('after', GLOBAL_HELP);
  loginCommand(program);
  uploadCommand(program);
  listCommands(program);
  getCommand(program);
  downloadCommand(program);
  metaCommand(program);
  dynamicCommand(program);
  lifecycleCommands(program);
  stackCommand(program);
  renderUrlCommand(program);
  orgCommand(program);
  userCommand(program);
  keyCommand(program);
  await registerMovers(program);
  return program;
}
