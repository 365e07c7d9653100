// Sizes as a person reads them.

import { describe, expect, it } from 'vitest';
import { exactBytes, humanSize } from './format.ts';

describe('humanSize', () => {
  it('uses decimal units with three significant digits', () => {
    expect(humanSize(1)).toBe('1 byte');
    expect(humanSize(999)).toBe('999 bytes');
    expect(humanSize(4046)).toBe('4.05 KB');
    expect(humanSize(12_345)).toBe('12.3 KB');
    expect(humanSize(123_456_789)).toBe('123 MB');
    expect(humanSize(2_500_000_000)).toBe('2.50 GB');
  });
});

describe('exactBytes', () => {
  it('groups thousands', () => {
    expect(exactBytes(1_234_567)).toBe('1,234,567 bytes');
  });
});
