// Entry of the `origo` command (bin/origo.js runs the built copy): parses the
// arguments, runs the command, and maps every failure to one stderr line and
// an exit code a script can rely on.

import { type Command, CommanderError } from 'commander';
import { classifyError } from './classify-error.ts';
import { errorCode } from './errno.ts';
import { EXIT } from './exit-codes.ts';
import { buildProgram } from './program.ts';
import { serverUrl } from './run-state.ts';

/** Commander's own messages say what is wrong; this says where to look. */
function usageLine(err: CommanderError, program: Command): string {
  const text = err.message
    .replace(/^error:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  // The first word naming a command, wherever global options put it.
  const names = new Set(program.commands.map((c) => c.name()));
  const sub = process.argv.slice(2).find((word) => names.has(word));
  return `${text}: see \`origo ${sub ? `${sub} ` : ''}--help\``;
}

// Every command and subcommand throws instead of exiting, so errors reach one place.
function throwInsteadOfExit(command: Command): void {
  command.exitOverride();
  command.configureOutput({ outputError: () => {} });
  for (const sub of command.commands) throwInsteadOfExit(sub);
}

// `origo list | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (errorCode(err) === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

async function main(): Promise<void> {
  const program = await buildProgram();
  throwInsteadOfExit(program);
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with a CommanderError too, with exit code 0.
      if (err.exitCode === 0) return;
      // A group (`origo meta`) without its subcommand: commander has printed the help.
      if (err.code === 'commander.help') {
        process.exitCode = EXIT.usage;
        return;
      }
      process.stderr.write(`origo: ${usageLine(err, program)}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    const failure = classifyError(err, serverUrl() || 'the server');
    process.stderr.write(`origo: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  }
}

await main();
