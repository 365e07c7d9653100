// Each kind of option, read from URL text and from JSON values alike, at the
// edges of its range.

import { describe, expect, it } from 'vitest';
import { anchor, boolean, choice, color, integer, isExpression, number, position, text } from './option-kinds.ts';

const accepted = <T>(r: { ok: true; value: T } | { ok: false; expected: string }) => (r.ok ? r.value : 'refused');

describe('integer', () => {
  const spec = integer({ min: 1, max: 10000, description: '' });
  it('accepts whole numbers as numbers or text, inside the range edges', () => {
    expect(accepted(spec.coerce(1))).toBe(1);
    expect(accepted(spec.coerce(10000))).toBe(10000);
    expect(accepted(spec.coerce('200'))).toBe(200);
    expect(accepted(spec.coerce('1'))).toBe(1);
  });
  it('refuses values just outside the range, fractions and non-numbers', () => {
    for (const bad of [0, 10001, '0', '10001', 1.5, '12.5', 'abc', '', ' 5', '5px', true, '1e3']) {
      expect(accepted(spec.coerce(bad)), String(bad)).toBe('refused');
    }
  });
  it('says what it expects', () => {
    const r = spec.coerce(0);
    expect(r.ok ? '' : r.expected).toBe('a whole number from 1 to 10000');
  });
  it('reads negative ranges', () => {
    const signed = integer({ min: -100, max: 100, default: 0, description: '' });
    expect(accepted(signed.coerce('-100'))).toBe(-100);
    expect(accepted(signed.coerce(-101))).toBe('refused');
    expect(signed.absent).toEqual({ kind: 'default', value: 0 });
  });
  it('is unset, defaulted or required when absent', () => {
    expect(spec.absent).toEqual({ kind: 'default', value: undefined });
    expect(integer({ min: 1, max: 2, required: true, description: '' }).absent).toEqual({ kind: 'required' });
  });
});

describe('number', () => {
  const spec = number({ min: -360, max: 360, description: '' });
  it('accepts fractions as numbers or text, at the edges', () => {
    expect(accepted(spec.coerce('12.5'))).toBe(12.5);
    expect(accepted(spec.coerce('-360'))).toBe(-360);
    expect(accepted(spec.coerce(360))).toBe(360);
    expect(accepted(spec.coerce('.5'))).toBe(0.5);
    expect(accepted(spec.coerce('120.3'))).toBe(120.3);
  });
  it('refuses values outside the range and non-numbers', () => {
    for (const bad of [-360.1, '360.5', 'NaN', 'Infinity', '1,5', '', false, Number.NaN]) {
      expect(accepted(spec.coerce(bad)), String(bad)).toBe('refused');
    }
  });
  it('says what it expects, also without a maximum', () => {
    const open = number({ min: 0, description: '' });
    const r = open.coerce(-1);
    expect(r.ok ? '' : r.expected).toBe('a number of at least 0');
    expect(open.describe()).toEqual({ type: 'number', minimum: 0, description: '' });
  });
});

describe('boolean', () => {
  const spec = boolean({ default: true, description: '' });
  it('accepts true/false, "true"/"false", 1/0 and "1"/"0"', () => {
    for (const yes of [true, 'true', 1, '1']) expect(accepted(spec.coerce(yes))).toBe(true);
    for (const no of [false, 'false', 0, '0']) expect(accepted(spec.coerce(no))).toBe(false);
  });
  it('refuses anything else', () => {
    for (const bad of ['yes', 'TRUE', 2, '', 'on']) expect(accepted(spec.coerce(bad)), String(bad)).toBe('refused');
  });
  it('defaults', () => {
    expect(spec.absent).toEqual({ kind: 'default', value: true });
  });
});

describe('choice', () => {
  const spec = choice({ values: ['box', 'absolute', 'fill'], default: 'box', description: '' });
  it('accepts only its words, exactly', () => {
    expect(accepted(spec.coerce('fill'))).toBe('fill');
    expect(accepted(spec.coerce('Fill'))).toBe('refused');
    expect(accepted(spec.coerce(1))).toBe('refused');
    const r = spec.coerce('cover');
    expect(r.ok ? '' : r.expected).toBe('one of box, absolute, fill');
  });
});

describe('color', () => {
  const spec = color({ default: 'FFFFFF', description: '' });
  it('normalizes 3 or 6 hex digits to 6 upper-case digits', () => {
    expect(accepted(spec.coerce('fff'))).toBe('FFFFFF');
    expect(accepted(spec.coerce('0f0f0f'))).toBe('0F0F0F');
    expect(accepted(spec.coerce('a1B'))).toBe('AA11BB');
    expect(accepted(spec.coerce(123456))).toBe('123456');
  });
  it('refuses other lengths, # and non-hex', () => {
    for (const bad of ['#fff', 'ffff', 'fffff', 'fffffff', 'ggg', '', 'white', 12]) {
      expect(accepted(spec.coerce(bad)), String(bad)).toBe('refused');
    }
  });
});

describe('anchor and position', () => {
  it('anchor accepts strategies and positions, position only positions', () => {
    const a = anchor({ default: 'auto', description: '' });
    const p = position({ default: 'center_center', description: '' });
    expect(accepted(a.coerce('smart'))).toEqual({ kind: 'smart' });
    expect(accepted(a.coerce('left-20'))).toEqual({ kind: 'position', x: 'left', y: 20 });
    expect(accepted(p.coerce('smart'))).toBe('refused');
    expect(accepted(p.coerce('right_bottom'))).toEqual({ x: 'right', y: 'bottom' });
    expect(a.absent).toEqual({ kind: 'default', value: { kind: 'auto' } });
    expect(p.absent).toEqual({ kind: 'default', value: { x: 'center', y: 'center' } });
  });
});

describe('text', () => {
  it('accepts what matches its pattern and is unset when absent', () => {
    const spec = text({ pattern: /^[a-z]+$/, hint: 'letters', description: '' });
    expect(accepted(spec.coerce('abc'))).toBe('abc');
    expect(accepted(spec.coerce('a-b'))).toBe('refused');
    expect(accepted(spec.coerce(5))).toBe('refused');
    expect(spec.absent).toEqual({ kind: 'default', value: undefined });
  });
});

describe('isExpression', () => {
  it('is a string in brackets', () => {
    expect(isExpression('[$w]')).toBe(true);
    expect(isExpression('[]')).toBe(true);
    expect(isExpression('$w')).toBe(false);
    expect(isExpression('[$w')).toBe(false);
    expect(isExpression(5)).toBe(false);
  });
});
