import { expect, it } from 'vitest';
import { queryRecord } from './move-query.ts';

it('takes a search builder as well as an object, without its paging', () => {
  const builder = { toParams: () => new URLSearchParams('format=png&limit=10&sort=size') };
  expect(queryRecord(builder)).toEqual({ format: 'png', sort: 'size' });
  expect(queryRecord({ name: 'a*', offset: '3' })).toEqual({ name: 'a*' });
});
