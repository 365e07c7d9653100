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

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
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
   * outcome, so parallel requests cannot all pass one check.
   */
  giveBack(caller: string): void {
    if (this.perMinute <= 0) return;
    const bucket = this.refilled(caller);
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + 1);
  }

  /** 0 when `caller` has a token left (none is taken); otherwise the seconds until it has one. */
  waitFor(caller: string): number {
    if (this.perMinute <= 0) return 0;
    const known = this.buckets.get(caller);
    if (!known) return 0;
    const bucket = this.refilled(caller);
    return bucket.tokens >= 1 ? 0 : this.secondsUntilToken(bucket);
  }

  private refilled(caller: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000));
    bucket.at = now;
    this.buckets.set(caller, bucket);
    return bucket;
  }

  private secondsUntilToken(bucket: Bucket): number {
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / this.perMinute / 1000));
  }
}
