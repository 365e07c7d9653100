// `origo-server [command]`: the server's command line. `start` (the
// default) runs the server as main.ts does; `scrub` checks the stored blobs;
// `migrate` copies an embedded install into PostgreSQL and S3.

const USAGE = `usage: origo-server [command]

commands:
  start    run the server (the default); settings from ORIGO_* variables
  scrub    check every stored blob against its hashes and sizes (read-only)
  migrate  copy an embedded install (--from-data-dir <dir>) into the
           PostgreSQL and S3 the ORIGO_* settings name

origo-server <command> --help tells more.`;

async function run(argv: string[]): Promise<void> {
  const [command = 'start', ...args] = argv;
  if (command === 'start') {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(
        'usage: origo-server start\n\nRuns the server; the settings are the ORIGO_* environment variables (see the README).\n',
      );
      return;
    }
    if (args.length > 0) {
      process.stderr.write(`origo-server start: unknown option ${JSON.stringify(args[0])}\n`);
      process.exit(2);
    }
    const { run: startServer } = await import('./main.ts');
    startServer();
    return;
  }
  if (command === 'scrub') {
    const { runScrubCommand } = await import('./scrub-command.ts');
    process.exitCode = await runScrubCommand(args);
    return;
  }
  if (command === 'migrate') {
    const { runMigrateCommand } = await import('./migrate-command.ts');
    process.exitCode = await runMigrateCommand(args);
    return;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.stderr.write(`origo-server: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
  process.exit(2);
}

run(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`origo-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
