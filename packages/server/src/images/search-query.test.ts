import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './search-query.ts';

describe('prefixUpperBound', () => {
  it('is the least string above every extension of the prefix', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('x\ud7ff')).toBe('x\ue000');
    for (const s of ['abc', 'abc\u{1F600}', 'abc\uffff', 'abc\u{10fffe}']) {
      expect(Buffer.compare(Buffer.from(s), Buffer.from(prefixUpperBound('abc')!))).toBeLessThan(0);
    }
  });
});
