// The exit codes scripts rely on (documented in `origo --help`), and the
// error a command throws to leave with one of them and a one-line hint.

export const EXIT = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  unreachable: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message);
