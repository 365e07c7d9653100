// What a person reads when a call fails: the server's own message (which
// names the field at fault), or what to check when the server was not reached.

import { isOrigoApiError, isOrigoNetworkError } from 'origo-client';

export function messageOf(err: unknown): string {
  if (isOrigoApiError(err)) return err.message;
  if (isOrigoNetworkError(err)) return 'The server did not answer. Check your connection and try again.';
  if (err instanceof Error) return err.message;
  return String(err);
}

/** True when the session's token is no longer accepted, so the person must sign in again. */
export function isSignedOut(err: unknown): boolean {
  return isOrigoApiError(err) && err.status === 401;
}
