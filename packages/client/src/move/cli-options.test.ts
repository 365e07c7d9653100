import { describe, expect, it } from 'vitest';
import { parseConcurrency, parseQuery } from './cli-options.ts';
import { queryRecord } from './move-query.ts';

describe('the move commands’ options', () => {
  it('takes a concurrency from 1 to 64', () => {
    expect(parseConcurrency('1')).toBe(1);
    expect(parseConcurrency('64')).toBe(64);
    for (const bad of ['0', '65', '2.5', 'four', '']) expect(() => parseConcurrency(bad)).toThrow('--concurrency');
  });
  it('reads --query as search filters and refuses paging and empty parts', () => {
    expect(parseQuery('user:category=shoes&format=jpg')).toEqual({ 'user:category': 'shoes', format: 'jpg' });
    expect(parseQuery('created=[2024-01-01T00:00:00Z,}')).toEqual({ created: '[2024-01-01T00:00:00Z,}' });
    expect(parseQuery(undefined)).toEqual({});
    expect(() => parseQuery('offset=5')).toThrow('offset cannot be given');
    expect(() => parseQuery('format')).toThrow('every filter needs a name and a value');
  });
  it('takes a search builder as well as an object, without its paging', () => {
    const builder = { toParams: () => new URLSearchParams('format=png&limit=10&sort=size') };
    expect(queryRecord(builder)).toEqual({ format: 'png', sort: 'size' });
    expect(queryRecord({ name: 'a*', offset: '3' })).toEqual({ name: 'a*' });
  });
});
