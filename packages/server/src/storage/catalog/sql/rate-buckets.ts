// The shared token buckets of the rate limit (service/shared-rate-limit.ts):
// one row per caller, leased from by every node in one atomic statement.
//
// A bucket holds at most `perMinute` tokens and refills at perMinute per
// minute. A lease refills it for the time since the last lease, then takes
// `want` tokens, or one when fewer are left (near the limit, nodes lease one
// at a time so none sits on tokens another could use), or none when less
// than one is left. INSERT … ON CONFLICT DO UPDATE locks the row for the
// statement, so concurrent leases from any number of nodes apply one after
// the other and never grant more than the bucket held.
//
// Times are the nodes' clocks in epoch milliseconds. `at` only moves
// forward, so a node whose clock is behind refills nothing instead of
// winding the bucket back; skew between nodes grants at most the refill of
// the skew once.

import { type Kysely, sql } from 'kysely';
import type { RateLease } from '../accounts.ts';
import type { Database } from './schema.ts';

/** A bucket untouched this long has refilled completely: its row says no more than no row would. */
export const BUCKET_IDLE_MS = 60_000;

export interface LeaseRequest {
  caller: string;
  want: number;
  perMinute: number;
  now: number;
}

export async function leaseTokens(db: Kysely<Database>, r: LeaseRequest): Promise<RateLease> {
  // Every parameter is cast: PostgreSQL would otherwise infer its type from
  // the column beside it (bigint), and a fractional rate would not parse.
  const now = sql`cast(${r.now} as bigint)`;
  const cap = sql`cast(${r.perMinute} as double precision)`;
  const want = sql`cast(${r.want} as double precision)`;
  const perMs = sql`cast(${r.perMinute / 60_000} as double precision)`;
  const elapsed = sql`(case when ${now} > rate_buckets.at then ${now} - rate_buckets.at else 0 end)`;
  const grown = sql`(rate_buckets.tokens + ${elapsed} * ${perMs})`;
  const refilled = sql`(case when ${grown} > ${cap} then ${cap} else ${grown} end)`;
  const granted = sql`(case when ${refilled} >= ${want} then ${want} when ${refilled} >= 1 then 1 else 0 end)`;
  const first = Math.min(r.want, Math.floor(r.perMinute));
  const result = await sql<{ granted: number; tokens: number }>`
    insert into rate_buckets (caller, tokens, at, granted)
    values (${r.caller}, ${r.perMinute - first}, ${r.now}, ${first})
    on conflict (caller) do update set
      tokens = ${refilled} - ${granted},
      at = case when ${now} > rate_buckets.at then ${now} else rate_buckets.at end,
      granted = ${granted}
    returning granted, tokens`.execute(db);
  const row = result.rows[0]!;
  return { granted: Number(row.granted), tokens: Number(row.tokens) };
}

/** Deletes the buckets idle long enough to be full again; returns how many. */
export async function forgetIdleBuckets(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .deleteFrom('rate_buckets')
    .where('at', '<=', now - BUCKET_IDLE_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
