import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows perMinute takes, then says how long to wait, and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20); // one token every 20 s
    expect(limiter.take('b')).toBe(0);
    now += 20_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(20);
  });

  it('giveBack returns a taken token, never past a full bucket', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a')).toBe(30);
    limiter.giveBack('a');
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(30);
    now += 60_000;
    limiter.giveBack('a');
    limiter.giveBack('b');
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 30]);
    expect([limiter.take('b'), limiter.take('b'), limiter.take('b')]).toEqual([0, 0, 30]);
  });

  it('0 per minute means unlimited', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 100; i++) expect(limiter.take('a')).toBe(0);
  });

  it('remembers at most `callers` callers, forgetting the least recently seen', () => {
    const limiter = new RateLimiter(1, () => 0, 2);
    limiter.take('a');
    limiter.take('b');
    expect(limiter.take('a')).toBeGreaterThan(0); // a is now the most recent
    limiter.take('c'); // b is forgotten
    expect(limiter.take('c')).toBeGreaterThan(0); // c is remembered
    expect(limiter.take('a')).toBeGreaterThan(0); // so is a
    expect(limiter.take('b')).toBe(0); // b starts again with a full bucket
  });
});
