import { describe, expect, it } from 'vitest';
import { Lru, lruPerOwner } from './lru.ts';

describe('Lru', () => {
  it('keeps at most its capacity, forgetting the least recently set first', () => {
    const lru = new Lru<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) lru.set(k, i);
    expect(lru.size).toBe(3);
    expect(lru.has('a')).toBe(false);
    expect([lru.get('b'), lru.get('c'), lru.get('d')]).toEqual([1, 2, 3]);
  });

  it('counts a get as a use, so a read entry outlives older ones', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.has('a')).toBe(true);
    expect(lru.has('b')).toBe(false);
  });

  it('replaces a value without growing, and refreshes it', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 10);
    lru.set('c', 3);
    expect(lru.size).toBe(2);
    expect(lru.get('a')).toBe(10);
    expect(lru.has('b')).toBe(false);
  });

  it('keeps falsy values and deletes', () => {
    const lru = new Lru<string, number>(2);
    lru.set('zero', 0);
    expect(lru.get('zero')).toBe(0);
    expect(lru.delete('zero')).toBe(true);
    expect(lru.get('zero')).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('stays bounded under a million distinct keys', () => {
    const lru = new Lru<number, number>(1000);
    for (let i = 0; i < 1_000_000; i++) lru.set(i, i);
    expect(lru.size).toBe(1000);
    expect(lru.has(999_999)).toBe(true);
    expect(lru.has(998_999)).toBe(false);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new Lru(0)).toThrow('positive integer');
  });
});

describe('lruPerOwner', () => {
  it('gives each owner its own Lru, the same one every time', () => {
    const lruOf = lruPerOwner<string, number>(10);
    const a = {};
    const b = {};
    lruOf(a).set('k', 1);
    expect(lruOf(a).get('k')).toBe(1);
    expect(lruOf(b).get('k')).toBeUndefined();
    expect(lruOf(a)).toBe(lruOf(a));
  });
});
