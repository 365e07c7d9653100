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
  code: string | undefined;
}

// What to check for each kind of 404 origo names in its origo_code; other servers get the general hint.
const NOT_FOUND_HINT: Record<string, string> = {
  ORIGO_ERR_ORG_NOT_FOUND: 'check the organization name (--org); `origo org get <org>` shows whether it exists',
  ORIGO_ERR_IMAGE_NOT_FOUND: 'check the hash; `origo list --org <org>` shows the images there',
  ORIGO_ERR_STACK_NOT_FOUND: 'check the stack name; `origo stack list --org <org>` shows the stacks',
  '': 'check the organization, hash or name given; `origo list --org <org>` shows the images there',
};

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
      message: `${said} (HTTP 404): ${NOT_FOUND_HINT[err.code ?? ''] ?? NOT_FOUND_HINT['']}`,
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
