import { describe, expect, it } from 'vitest';
import { errorOf as refusal } from '../../test/fixtures.ts';
import type { Search } from '../images/search-query.ts';
import { decodeCursor, encodeCursor, fingerprint } from './search-cursor.ts';
import { parseListingQuery } from './search-query-params.ts';

describe('the whole query', () => {
  it('separates reserved parameters from filters; repeated filters are each a filter', () => {
    const { search } = parseListingQuery({
      limit: '5',
      'user:array:tags': ['a', 'b'],
      operator: 'OR',
      sort: 'name desc',
    });
    expect(search.limit).toBe(5);
    expect(search.operator).toBe('or');
    expect(search.filters.map((f) => f.condition)).toEqual([
      { op: 'eq', value: 'a' },
      { op: 'eq', value: 'b' },
    ]);
  });

  it('keeps the paging rules: limit 0..2000, offset + limit ≤ 10000', () => {
    expect(parseListingQuery({ limit: '0' }).search.limit).toBe(0);
    expect(refusal(() => parseListingQuery({ limit: '2001' })).message).toContain('limit');
    expect(refusal(() => parseListingQuery({ limit: '-1' })).code).toBe('ORIGO_ERR_REQUEST_BAD_PARAMETER');
    expect(refusal(() => parseListingQuery({ offset: '10001', limit: '0' })).message).toContain('10000');
    expect(parseListingQuery({ offset: '9900' }).search.offset).toBe(9900);
    expect(refusal(() => parseListingQuery({ operator: 'xor' })).message).toContain('"operator"');
    expect(refusal(() => parseListingQuery({ binaryHash: 'a'.repeat(40), name: 'x' })).message).toContain('binaryHash');
  });

  it('round-trips cursors and refuses those of another listing', () => {
    const { search } = parseListingQuery({ name: 'a*', sort: 'user:int:rank desc' });
    const cursor = encodeCursor(search, { values: [null], hash: 'a'.repeat(40) });
    expect(parseListingQuery({ name: 'a*', sort: 'user:int:rank desc', offset: cursor }).search.after).toEqual({
      values: [null],
      hash: 'a'.repeat(40),
    });
    // Filters in another order are the same listing.
    const both = parseListingQuery({ name: 'a*', size: '1' }).search;
    expect(fingerprint(both)).toBe(fingerprint(parseListingQuery({ size: '1', name: 'a*' }).search));

    const other = refusal(() => parseListingQuery({ name: 'b*', sort: 'user:int:rank desc', offset: cursor }));
    expect(other.message).toContain('different filters');
    expect(
      refusal(() => parseListingQuery({ name: 'a*', sort: 'user:int:rank desc', deleted: 'true', offset: cursor }))
        .message,
    ).toContain('deleted');
    expect(refusal(() => parseListingQuery({ offset: 'garbage!' })).message).toContain('"garbage!"');
    // Values that do not fit the sort keys are refused.
    const s = { ...search } as Search;
    const forged = encodeCursor(s, { values: ['not a number'], hash: 'a'.repeat(40) });
    expect(refusal(() => decodeCursor(s, forged)).message).toContain('cannot be decoded');
  });
});
