import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryStatus, rateLimitResetMs, retryAfterMs, sleep } from './retry.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles per attempt, between half and all of the step, capped at 10 s', () => {
    expect(backoffMs(0, 500, () => 0)).toBe(250);
    expect(backoffMs(0, 500, () => 1)).toBe(500);
    expect(backoffMs(2, 500, () => 0)).toBe(1000);
    expect(backoffMs(2, 500, () => 1)).toBe(2000);
    expect(backoffMs(20, 500, () => 1)).toBe(10_000);
  });
});

it('retries rate limits and unavailable servers only', () => {
  expect([429, 502, 503, 504].every(isRetryStatus)).toBe(true);
  expect([400, 401, 403, 404, 409, 412, 413, 500].some(isRetryStatus)).toBe(false);
});

it('sleep rejects with the reason as soon as the signal aborts', async () => {
  const controller = new AbortController();
  const waiting = sleep(60_000, controller.signal);
  controller.abort(new Error('stop'));
  await expect(waiting).rejects.toThrow('stop');
  await expect(sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
});

describe('rateLimitResetMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds to wait, or a Unix time in seconds, from RateLimit-Reset or X-RateLimit-Reset', () => {
    expect(rateLimitResetMs(new Headers({ 'RateLimit-Reset': '4' }), now)).toBe(4000);
    expect(rateLimitResetMs(new Headers({ 'X-RateLimit-Reset': '2' }), now)).toBe(2000);
    expect(rateLimitResetMs(new Headers({ 'X-RateLimit-Reset': String(now / 1000 + 7) }), now)).toBe(7000);
    expect(rateLimitResetMs(new Headers({ 'X-RateLimit-Reset': String(now / 1000 - 7) }), now)).toBe(0);
    expect(rateLimitResetMs(new Headers({ 'X-RateLimit-Reset': 'soon' }), now)).toBeUndefined();
    expect(rateLimitResetMs(new Headers(), now)).toBeUndefined();
  });
});
