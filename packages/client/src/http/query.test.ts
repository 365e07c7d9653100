import { expect, it } from 'vitest';
import { pathOf, queryString } from './query.ts';

it('builds queries in key order, joining lists and leaving out null and undefined', () => {
  expect(queryString({ limit: 5, sort: ['size desc', 'created'], offset: undefined, x: null, deleted: false })).toBe(
    '?limit=5&sort=size+desc%2Ccreated&deleted=false',
  );
  expect(queryString({})).toBe('');
  expect(queryString(new URLSearchParams([['user:a', 'b c']]))).toBe('?user%3Aa=b+c');
});

it('encodes each path segment', () => {
  expect(pathOf('sourceimages', 'my org', 'a/b?c')).toBe('/sourceimages/my%20org/a%2Fb%3Fc');
});
