// A token bucket per caller: `perMinute` requests a minute, with bursts of
// up to the same number. Checked before a request does anything, so a 429
// never leaves a side effect (clients retry uploads on 429).
//
// Buckets live in an LRU of `callers` entries: callers are chosen by the
// other side (client addresses, above all IPv6 ones), so the map must not
// grow with each new one. A forgotten caller starts again with a full
// bucket, which only the least recently seen callers get.

import { Lru } from '../lru.ts';

/** Callers remembered by default: about 100 bytes each, so some 10 MB at most. */
export const DEFAULT_CALLERS = 100_000;

/**
 * A rate limit: `take` spends one request's token for the caller. The
 * in-process RateLimiter answers at once; the shared one (several nodes,
 * shared-rate-limit.ts) returns a promise when it has to ask the database.
 */
export interface Limiter {
  /** 0 when allowed; otherwise the seconds to wait. */
  take(caller: string): number | Promise<number>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter implements Limiter {
  private readonly buckets: Lru<string, Bucket>;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    callers = DEFAULT_CALLERS,
  ) {
    this.buckets = new Lru(callers);
  }

  /** Takes one token: 0 when allowed; otherwise the seconds to wait. */
  take(caller: string): number {
    if (this.perMinute <= 0) return 0;
    const bucket = this.refilled(caller);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.secondsUntilToken(bucket);
  }

  /**
   * Returns a token taken by `take` (at most up to a full bucket): for a
   * limit on outcomes (failures) that has to take before it knows the
   * outcome, so parallel requests cannot all pass one check. Called on
   * every successful authentication, so it costs one lookup: the bucket
   * was just refilled by `take`, and a forgotten one is full anyway.
   */
  giveBack(caller: string): void {
    if (this.perMinute <= 0) return;
    const bucket = this.buckets.peek(caller);
    if (bucket) bucket.tokens = Math.min(this.perMinute, bucket.tokens + 1);
  }

  private refilled(caller: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(caller);
    if (bucket) {
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000));
      bucket.at = now;
    } else {
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(caller, bucket);
    }
    return bucket;
  }

  private secondsUntilToken(bucket: Bucket): number {
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / this.perMinute / 1000));
  }
}
