// When to try a request again and how long to wait first.

/** Statuses a repeatable request is sent again for: rate limited, or the server (or its proxy) briefly unable. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/** A Retry-After longer than this is not waited for: the caller is better told at once. */
export const MAX_RETRY_AFTER_MS = 120_000;

const MAX_BACKOFF_MS = 10_000;

export function isRetryStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

/** Milliseconds from a Retry-After header: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date starts with the day's name; anything else (`-1`, `soon`) is not one.
  if (!/^[A-Za-z]{3},/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Exponential backoff with jitter for the `attempt`-th retry (0 first): a
 * random wait between half and all of base·2^attempt, so clients that failed
 * together do not come back together.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
