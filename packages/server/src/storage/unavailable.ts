// Storage's word for "the store cannot be used right now": an object store
// that refuses the credentials, lacks the bucket or cannot be reached. Unlike
// a full disk it says nothing about the request, so the HTTP layer answers 503
// and the same request can succeed once the store is back.

export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';

  constructor(
    /** What is wrong and which setting to check, for a person, e.g. "the S3 store refused the secret key (ORIGO_S3_SECRET_ACCESS_KEY)". */
    readonly reason: string,
    cause: unknown,
  ) {
    super(`storage is unavailable: ${reason}`, { cause });
  }
}

/** The StorageUnavailableError `err` is or was caused by, if any. Checked by shape, as storageFullIn is. */
export function storageUnavailableIn(err: unknown): StorageUnavailableError | undefined {
  for (
    let e = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if ((e as { name?: unknown }).name === 'StorageUnavailableError') return e as StorageUnavailableError;
  }
  return undefined;
}
