// One-line error messages and exit codes of the `origo import` and `origo
// export` commands, with the exit codes of every `origo` command
// (cli/exit-codes.ts). A whole-move failure names the side at fault and the
// flag that sets its credentials.

import { CliError, EXIT } from '../cli/exit-codes.ts';
import { isMoveSetupError, type MoveSide } from './setup-error.ts';

export interface MoveFailureLine {
  exitCode: number;
  message: string;
}

/** A usage mistake found by the command itself (not by commander). */
export class MoveUsageError extends Error {
  override readonly name = 'MoveUsageError';
}

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

function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'OrigoNetworkError') return true;
  const cause = err.cause;
  return err.name === 'TypeError' && typeof cause === 'object' && cause !== null && 'code' in cause;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export function describeMoveError(err: unknown, flags: SideFlags): MoveFailureLine {
  const message = oneLine(err instanceof Error ? err.message : String(err));
  if (err instanceof MoveUsageError) return { exitCode: EXIT.usage, message };
  // Settings shared with the other commands (a config file that is not JSON) fail as they do there.
  if (err instanceof CliError) return { exitCode: err.exitCode, message };
  if (!isMoveSetupError(err)) return { exitCode: EXIT.someFailed, message };
  const { side, cause } = err;
  const named = flags[side] ?? TARGET_FLAGS;
  const status = statusOf(cause);
  if (status === 401 || status === 403) {
    return { exitCode: EXIT.auth, message: `${message} (HTTP ${status}): check the API key, ${named.key}` };
  }
  if (status === 404) {
    return { exitCode: EXIT.notFound, message: `${message} (HTTP 404): check the organization name` };
  }
  if (status === 400) return { exitCode: EXIT.usage, message: `${message} (HTTP 400): fix the value named` };
  if (isUnreachable(cause)) {
    return { exitCode: EXIT.unreachable, message: `${message}: the server cannot be reached, check ${named.url}` };
  }
  if (side === 'folder' && typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'ENOENT') {
    return { exitCode: EXIT.notFound, message: `${message}: is it a folder \`origo export\` wrote?` };
  }
  return { exitCode: EXIT.someFailed, message };
}
