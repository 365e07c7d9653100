// Storage's own word for "no room left". The file system (ENOSPC, EDQUOT)
// and SQLite (SQLITE_FULL) say it in codes of their own; storage turns them
// into one error class where its writes fail (staging, commit, the catalog's
// transactions), so the layers above need to know neither.

import { isOrigoError } from '../errors.ts';

/** What ran out, for a person, by the code the file system or SQLite gave. */
const FULL_CODES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  SQLITE_FULL: 'the disk under the catalog is full',
};

export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';

  constructor(
    /** The code given: 'ENOSPC', 'EDQUOT' or 'SQLITE_FULL' (kept, as on the error it wraps). */
    readonly code: string,
    /** What ran out, e.g. "the disk is full". */
    readonly reason: string,
    cause: unknown,
  ) {
    super(`storage is full (${reason})`, { cause });
  }
}

/**
 * `err` as a StorageFullError when it, or an error it was caused by, says
 * storage is full; otherwise `err` itself. An OrigoError is an answer
 * already and is left alone.
 */
export function asStorageError(err: unknown): unknown {
  if (err instanceof StorageFullError || isOrigoError(err)) return err;
  for (
    let e = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(FULL_CODES, code))
      return new StorageFullError(code, FULL_CODES[code]!, err);
  }
  return err;
}

/** The StorageFullError `err` is or was caused by, if any. Checked by shape, as isOrigoError is. */
export function storageFullIn(err: unknown): StorageFullError | undefined {
  for (
    let e = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if ((e as { name?: unknown }).name === 'StorageFullError') return e as StorageFullError;
  }
  return undefined;
}
