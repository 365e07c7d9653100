// The rate limit when several origo nodes share one PostgreSQL catalog: a
// caller gets ORIGO_RATE_LIMIT_PER_MINUTE in all, whichever nodes its
// requests reach, without a database round trip per request.
//
// The token bucket lives in the database (storage/catalog/sql/rate-buckets.ts,
// one row per caller). A node leases tokens from it in chunks, spends them
// in process, and leases again when they run out; the lease is one atomic
// statement, so what all nodes together are granted never exceeds what the
// bucket holds. Concurrent requests of one caller on one node wait for the
// same lease rather than each sending one.
//
// The chunk is 1% of the budget (at least 1): a caller at its full rate
// costs about 100 leases a minute over all nodes (a statement per 60
// requests at the default 6000), and tokens a node leased but has not
// spent (at most chunk − 1 per node) are the only slack. So in any
// interval of T seconds, all nodes together allow a caller at most
//   N + N·T/60 + nodes·(chunk − 1)        (N = the limit per minute)
// and a caller that starts from a full bucket at most N + N·T/60, like one
// in-process bucket. Leased tokens are kept a minute at most: by then the
// bucket has refilled anyway, and a caller idle for a minute holds nothing
// on any node (and its row may be deleted, see forgetIdleRateBuckets).
//
// When a lease fails (the database unreachable or refusing), the node does
// not refuse requests for it: a rate limiter must not take the service down,
// and the requests need the catalog anyway, which reports its own error.
// For OFFLINE_RETRY_MS it limits each caller on its own, in process, as a
// single node does (so a caller gets at most N per node meanwhile), and logs
// a warning (at most once a minute).
//
// Leases carry the node's clock, and a bucket's time only moves forward:
// a node whose clock runs s seconds ahead delays refills by up to s seconds
// for every node (stricter, never more generous). Nodes need synchronized
// clocks (NTP), as they do for token expiry already.

import { Lru } from '../lru.ts';
import type { Accounts } from '../storage/catalog/accounts.ts';
import { DEFAULT_CALLERS, type Limiter, RateLimiter } from './rate-limit.ts';

export type RateBucketStore = Pick<Accounts, 'leaseRateTokens' | 'forgetIdleRateBuckets'>;

/** Tokens leased at a time for a limit of `perMinute`: 1% of it, at least one. */
export function leaseSize(perMinute: number): number {
  return Math.max(1, Math.floor(perMinute / 100));
}

/** How long leased tokens may be spent: the time an empty bucket takes to refill. */
const LEASE_LIFETIME_MS = 60_000;
/** After a failed lease, how long the node limits on its own before it asks the database again. */
export const OFFLINE_RETRY_MS = 5_000;
const WARN_EVERY_MS = 60_000;
const FORGET_EVERY_MS = 60_000;

interface Held {
  /** Leased tokens not spent yet. */
  tokens: number;
  leasedAt: number;
  /** The bucket was empty: refuse without asking until then. */
  refusedUntil: number;
  /** The lease in flight, which every request of the caller on this node waits for. */
  pending: Promise<void> | undefined;
}

export class SharedRateLimiter implements Limiter {
  readonly chunk: number;
  private readonly held: Lru<string, Held>;
  private readonly local: RateLimiter;
  private sharedAgainAt = 0;
  private lastWarning = Number.NEGATIVE_INFINITY;
  private lastForget = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: RateBucketStore,
    private readonly perMinute: number,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = Date.now,
    callers = DEFAULT_CALLERS,
  ) {
    this.chunk = leaseSize(perMinute);
    this.held = new Lru(callers);
    this.local = new RateLimiter(perMinute, now, callers);
  }

  take(caller: string): number | Promise<number> {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    if (now < this.sharedAgainAt) return this.local.take(caller);
    const held = this.held.get(caller);
    if (held !== undefined && held.pending === undefined) {
      const answer = this.fromHeld(held, now);
      if (answer !== undefined) return answer;
    }
    return this.takeLeased(caller, held);
  }

  /** 0 when a held token was spent, the wait while the bucket is known empty, undefined when a lease is needed. */
  private fromHeld(held: Held, now: number): number | undefined {
    if (held.tokens >= 1 && now - held.leasedAt < LEASE_LIFETIME_MS) {
      held.tokens -= 1;
      return 0;
    }
    if (now < held.refusedUntil) return Math.max(1, Math.ceil((held.refusedUntil - now) / 1000));
    return undefined;
  }

  private async takeLeased(caller: string, found: Held | undefined): Promise<number> {
    let held = found;
    if (held === undefined) {
      held = { tokens: 0, leasedAt: 0, refusedUntil: 0, pending: undefined };
      this.held.set(caller, held);
    }
    // Each round either spends a token, learns the bucket is empty, or finds
    // the tokens of the lease it waited for taken by the requests ahead of it.
    for (;;) {
      if (held.pending === undefined) {
        const lease = this.lease(caller, held);
        held.pending = lease;
        await lease;
        held.pending = undefined;
      } else {
        await held.pending;
      }
      const now = this.now();
      if (now < this.sharedAgainAt) return this.local.take(caller);
      const answer = this.fromHeld(held, now);
      if (answer !== undefined) return answer;
    }
  }

  /** Leases a chunk into `held`; never throws (a failure sends the node to its own limits for a while). */
  private async lease(caller: string, held: Held): Promise<void> {
    try {
      const lease = await this.store.leaseRateTokens(caller, this.chunk, this.perMinute, new Date(this.now()));
      const now = this.now();
      // Whatever was left of an expired lease is not spent any more.
      held.tokens = lease.granted;
      held.leasedAt = now;
      held.refusedUntil = lease.granted > 0 ? 0 : now + Math.max(1, ((1 - lease.tokens) * 60_000) / this.perMinute);
    } catch (err) {
      const now = this.now();
      this.sharedAgainAt = now + OFFLINE_RETRY_MS;
      if (now - this.lastWarning >= WARN_EVERY_MS) {
        this.lastWarning = now;
        this.warn(
          `the shared rate limit is unavailable (${messageOf(err)}); each node limits callers on its own (ORIGO_RATE_LIMIT_PER_MINUTE per node) and asks the database again in ${OFFLINE_RETRY_MS / 1000} s`,
        );
      }
      return;
    }
    this.forgetIdle();
  }

  /** At most once a minute per node, deletes the rows of callers idle for a minute, so the table holds only recent callers. */
  private forgetIdle(): void {
    const now = this.now();
    if (now - this.lastForget < FORGET_EVERY_MS) return;
    this.lastForget = now;
    // Not awaited: the request does not wait for housekeeping, and a failure changes no answer.
    this.store.forgetIdleRateBuckets(new Date(now)).catch(() => {});
  }
}

function messageOf(err: unknown): string {
  const { message, code } = (err ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : String(err);
}
