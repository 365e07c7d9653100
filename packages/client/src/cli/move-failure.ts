// The one line and exit code of an `origo import`/`origo export` that fails
// as a whole. The exit code comes from the cause as for every command
// (classify-error.ts); the line names the side at fault and the flag that
// sets its address or key, since a move talks to two places.

import { isMoveSetupError, type MoveSide } from '../move/setup-error.ts';
import { classifyError, type Failure } from './classify-error.ts';
import { errorCode } from './errno.ts';
import { EXIT } from './exit-codes.ts';

/** Which flags set a server's address and key, to name them in a hint. */
export interface ServerFlags {
  url: string;
  key: string;
}

export const TARGET_FLAGS: ServerFlags = {
  url: '--url (or ORIGO_URL)',
  key: '--key (or ORIGO_API_KEY, or `origo login`)',
};
export const SOURCE_FLAGS: ServerFlags = { url: '--from-url', key: '--from-key (or ORIGO_FROM_API_KEY)' };

/** The flags of each side for a command: an import reads from --from-*, an export from --url/--key. */
export type SideFlags = Partial<Record<MoveSide, ServerFlags>>;

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  return typeof err.status === 'number' ? err.status : undefined;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export function describeMoveFailure(err: unknown, flags: SideFlags): Failure {
  if (!isMoveSetupError(err)) return classifyError(err, '');
  const { side, cause } = err;
  const message = oneLine(err.message);
  const named = flags[side] ?? TARGET_FLAGS;
  const status = statusOf(cause);
  const { exitCode } = classifyError(cause, '');
  switch (exitCode) {
    case EXIT.auth:
      return { exitCode, message: `${message} (HTTP ${status}): check the API key, ${named.key}` };
    case EXIT.notFound:
      return { exitCode, message: `${message} (HTTP 404): check the organization name` };
    case EXIT.usage:
      return { exitCode, message: `${message} (HTTP ${status}): fix the value named` };
    case EXIT.unreachable:
      return { exitCode, message: `${message}: the server cannot be reached, check ${named.url}` };
  }
  if (side === 'folder' && errorCode(cause) === 'ENOENT') {
    return { exitCode: EXIT.notFound, message: `${message}: is it a folder \`origo export\` wrote?` };
  }
  return { exitCode: EXIT.someFailed, message };
}
