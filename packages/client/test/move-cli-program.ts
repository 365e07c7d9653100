// A stand-in for the `origo` program, for running `origo import`/`export`
// as a child process before the CLI's own program is on this branch: the
// same global options (--url, --key, --json) and the two commands, as the
// CLI registers them. Run: node --import tsx move-cli-program.ts import …

import { Command } from 'commander';
import { exportCommand } from '../src/cli/commands/export.ts';
import { importCommand } from '../src/cli/commands/import.ts';

const program = new Command('origo').option('--url <url>').option('--key <key>').option('--json');
importCommand(program);
exportCommand(program);
program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  const exitCode = typeof err === 'object' && err !== null && 'exitCode' in err ? err.exitCode : 1;
  process.exitCode = exitCode === 0 ? 0 : 2;
}
