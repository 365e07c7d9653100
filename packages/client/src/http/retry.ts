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

/** Above this a reset value is a point in time (Unix seconds), below it seconds to wait. */
const EPOCH_SECONDS_FROM = 1_000_000_000;

/**
 * Milliseconds until the rate limit resets, from a 429's `RateLimit-Reset`
 * (IETF httpapi draft: seconds to wait) or `X-RateLimit-Reset` (seconds to
 * wait, or the Unix time in seconds of the reset, as GitHub and others send).
 * Read only when there is no Retry-After: origo itself sends Retry-After,
 * other rokka-compatible servers and proxies in front of them may send these.
 */
export function rateLimitResetMs(headers: Headers, now = Date.now()): number | undefined {
  for (const name of ['ratelimit-reset', 'x-ratelimit-reset']) {
    const value = headers.get(name)?.trim();
    if (value === undefined || !/^\d+$/.test(value)) continue;
    const seconds = Number(value);
    return seconds >= EPOCH_SECONDS_FROM ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
  }
  return undefined;
}

/** How long to wait before sending again after `response`: what it says, else undefined (back off). */
export function serverWaitMs(response: Response, now = Date.now()): number | undefined {
  const after = retryAfterMs(response.headers.get('retry-after'), now);
  if (after !== undefined || response.status !== 429) return after;
  return rateLimitResetMs(response.headers, now);
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
