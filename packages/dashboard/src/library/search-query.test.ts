import { describe, expect, it } from 'vitest';
import { parseSearch, withFilter } from './search-query.ts';

describe('the search box text as query parameters', () => {
  it('reads filters separated by spaces or &', () => {
    expect(parseSearch('user:str:title=Sea  user:int:rank=[1,10}&format=png')).toEqual({
      pairs: [
        ['user:str:title', 'Sea'],
        ['user:int:rank', '[1,10}'],
        ['format', 'png'],
      ],
    });
  });

  it('keeps spaces inside a value until the next field=', () => {
    expect(parseSearch('name_text=quick bro* user:category=New York')).toEqual({
      pairs: [
        ['name_text', 'quick bro*'],
        ['user:category', 'New York'],
      ],
    });
  });

  it('keeps a quoted value whole, with its quotes, even with & and spaces', () => {
    expect(parseSearch("user:title='a & b' format=png")).toEqual({
      pairs: [
        ['user:title', "'a & b'"],
        ['format', 'png'],
      ],
    });
    expect(parseSearch("user:title='it''s' x=1")).toEqual({
      pairs: [
        ['user:title', "'it''s'"],
        ['x', '1'],
      ],
    });
  });

  it('searches names for words without a field, the last one as a prefix', () => {
    expect(parseSearch('sunset bea')).toEqual({ pairs: [['name_text', 'sunset bea*']] });
    expect(parseSearch('   ')).toEqual({ pairs: [] });
  });

  it('refuses what the page controls itself, saying which control to use', () => {
    expect(parseSearch('limit=5')).toEqual({ error: expect.stringContaining('limit') });
    expect(parseSearch('deleted=true')).toEqual({ error: expect.stringContaining('Show deleted images') });
  });

  it('adds a facet filter that matches its value literally', () => {
    expect(withFilter('', 'user:category', 'beach')).toBe('user:category=beach');
    expect(withFilter('format=png ', 'user:array:tags', 'a*b')).toBe("format=png user:array:tags='a*b'");
    expect(withFilter('', 'user:title', "New 'York'")).toBe("user:title='New ''York'''");
    expect(parseSearch(withFilter('x=1', 'user:title', 'a & b'))).toEqual({
      pairs: [
        ['x', '1'],
        ['user:title', "'a & b'"],
      ],
    });
  });
});
