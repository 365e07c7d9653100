import { describe, expect, it } from 'vitest';
import { errorOf as refusal } from '../../test/fixtures.ts';
import { parseFacets, parseSort } from './search-sort.ts';

describe('sort and facets', () => {
  it('parses keys with directions separated by spaces or +, default asc', () => {
    expect(parseSort(undefined)).toEqual([{ field: { source: 'image', column: 'created' }, direction: 'desc' }]);
    expect(parseSort('name, size desc,user:int:rank+DESC')).toEqual([
      { field: { source: 'image', column: 'name' }, direction: 'asc' },
      { field: { source: 'image', column: 'size' }, direction: 'desc' },
      { field: { source: 'user', name: 'rank', type: 'int', column: 'num' }, direction: 'desc' },
    ]);
  });

  it('refuses bad sort keys naming sort', () => {
    for (const [value, mention] of [
      ['size sideways', '"sideways"'],
      ['size asc extra', 'a sort key is a field'],
      ['user:rank', 'with their type'],
      ['user:array:tags', 'sortable'],
      ['bogus', '"bogus"'],
      ['name,name desc', 'twice'],
      ['name,,size', 'empty sort key'],
    ] as const) {
      const err = refusal(() => parseSort(value));
      expect(err.message).toContain('"sort"');
      expect(err.message).toContain(mention);
    }
  });

  it('accepts facets on str and array user fields only', () => {
    expect(parseFacets('user:category, user:array:tags,user:str:kind')).toEqual([
      { key: 'user:category', name: 'category', type: 'str' },
      { key: 'user:array:tags', name: 'tags', type: 'array' },
      { key: 'user:str:kind', name: 'kind', type: 'str' },
    ]);
    for (const value of ['user:int:rank', 'name', 'user:text:x', 'user:category,user:category']) {
      expect(refusal(() => parseFacets(value)).message).toContain('"facets"');
    }
  });
});
