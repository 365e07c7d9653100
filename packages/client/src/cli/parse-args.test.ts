import { describe, expect, it } from 'vitest';
import { parseArea, parseConcurrency, parseMetaPairs, parsePositiveInt } from './parse-args.ts';

describe('option parsers', () => {
  it('takes a concurrency from 1 to 64', () => {
    expect(parseConcurrency('1')).toBe(1);
    expect(parseConcurrency('64')).toBe(64);
    for (const bad of ['0', '65', '2.5', 'four', '']) expect(() => parseConcurrency(bad)).toThrow('from 1 to 64');
  });

  it('reads an area as x,y,width,height', () => {
    expect(parseArea('10, 20,300,200')).toEqual({ x: 10, y: 20, width: 300, height: 200 });
    expect(() => parseArea('10,20,0,5')).toThrow('"10,20,0,5"');
    expect(() => parseArea('1,2,3')).toThrow('x,y,width,height');
  });

  it('types user metadata by its key prefix', () => {
    expect(parseMetaPairs(['title=A = B', 'int:count=5', 'bool:ok=true'])).toEqual({
      title: 'A = B',
      'int:count': 5,
      'bool:ok': true,
    });
    expect(() => parseMetaPairs(['novalue'])).toThrow('key=value');
    expect(() => parseMetaPairs(['int:n=five'])).toThrow('"five"');
  });

  it('wants whole positive numbers', () => {
    expect(parsePositiveInt('8')).toBe(8);
    expect(() => parsePositiveInt('0')).toThrow('"0"');
  });
});
