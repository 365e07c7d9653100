import { expect, it } from 'vitest';
import { parseQuery } from './search-args.ts';

it('reads --query as search filters and refuses paging and empty parts', () => {
  expect(parseQuery('user:category=shoes&format=jpg')).toEqual({ 'user:category': 'shoes', format: 'jpg' });
  expect(parseQuery('created=[2024-01-01T00:00:00Z,}')).toEqual({ created: '[2024-01-01T00:00:00Z,}' });
  expect(parseQuery(undefined)).toEqual({});
  expect(() => parseQuery('offset=5')).toThrow('offset cannot be given');
  expect(() => parseQuery('format')).toThrow('every filter needs a name and a value');
});
