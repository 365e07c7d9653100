// Turns whatever a command threw into the exit code and the single line a
// user reads on stderr: what went wrong and what to do about it.

import { isOrigoApiError, isOrigoNetworkError } from '../http/errors.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';

export interface Failure {
  exitCode: ExitCode;
  message: string;
}

interface ApiErrorShape {
  status: number;
  message: string;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** What a failed API call means for the user, by its HTTP status. */
export function describeApiError(err: ApiErrorShape, serverUrl: string): Failure {
  const said = oneLine(err.message);
  if (err.status === 401 || err.status === 403) {
    return {
      exitCode: EXIT.auth,
      message: `${said} (HTTP ${err.status}): check the API key (--key, ORIGO_API_KEY or \`origo login\`) and its rights on ${serverUrl}`,
    };
  }
  if (err.status === 404) {
    return {
      exitCode: EXIT.notFound,
      message: `${said} (HTTP 404): check the organization and hash (\`origo list --org <org>\` shows what exists)`,
    };
  }
  if (err.status === 400 || err.status === 422) {
    return { exitCode: EXIT.usage, message: `${said} (HTTP ${err.status}): fix the value named and run again` };
  }
  return { exitCode: EXIT.someFailed, message: `${said} (HTTP ${err.status})` };
}

export function classifyError(err: unknown, serverUrl: string): Failure {
  if (err instanceof CliError) return { exitCode: err.exitCode, message: oneLine(err.message) };
  // The render URL builder refuses a hash, format or name that no server would read.
  if (err instanceof Error && err.name === 'RenderUrlError') {
    return { exitCode: EXIT.usage, message: `${oneLine(err.message)}: fix it and run again` };
  }
  if (isOrigoApiError(err)) return describeApiError(err, serverUrl);
  if (isOrigoNetworkError(err)) {
    return {
      exitCode: EXIT.unreachable,
      message: `cannot reach origo at ${serverUrl}: check --url / ORIGO_URL and that the server is running`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT.someFailed, message: oneLine(message) };
}
