// What every API method takes as its last argument.

export interface CallOptions {
  /** Aborts the request (and any retry still to come) at once. */
  signal?: AbortSignal | undefined;
}
