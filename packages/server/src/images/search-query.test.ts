import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../errors.ts';
import {
  decodeCursor,
  encodeCursor,
  fingerprint,
  parseFacets,
  parseFilter,
  parseListingQuery,
  parseSort,
  prefixUpperBound,
  type Search,
} from './search-query.ts';
import { searchTerms } from './search-terms.ts';

/** The OrigoError thrown by fn (fails the test when nothing or something else is thrown). */
function refusal(fn: () => unknown): { code: string; status: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (isOrigoError(err)) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const T2017 = Date.parse('2017-01-01T00:00:00Z');

describe('filter fields', () => {
  it('maps image fields to columns with their value type', () => {
    expect(parseFilter('binaryhash', 'ABC*')).toMatchObject({ field: { source: 'image', column: 'binary_hash' }, condition: { op: 'prefix', value: 'abc' } });
    expect(parseFilter('size', '[1,10}')).toMatchObject({
      field: { source: 'image', column: 'size' },
      condition: { op: 'range', min: { value: 1, inclusive: true }, max: { value: 10, inclusive: false } },
    });
    expect(parseFilter('deletedDate', '2017-01-01T00:00:00Z').field).toEqual({ source: 'image', column: 'deleted_at' });
    expect(parseFilter('name', 'a.jpg')).toMatchObject({ field: { column: 'name' }, condition: { op: 'eq', value: 'a.jpg' }, multiValued: false });
  });

  it('maps user fields with and without a type', () => {
    expect(parseFilter('user:title', 'x').field).toEqual({ source: 'user', name: 'title', type: 'str', column: 'str' });
    expect(parseFilter('user:str:title', 'x').field).toEqual({ source: 'user', name: 'title', type: 'str', column: 'str' });
    expect(parseFilter('user:int:rank', '3').field).toEqual({ source: 'user', name: 'rank', type: 'int', column: 'num' });
    expect(parseFilter('user:date:shot', '2017-01-01T00:00:00Z').field).toMatchObject({ type: 'date', column: 'num' });
    expect(parseFilter('user:array:tags', 'beach')).toMatchObject({ field: { type: 'array', column: 'str' }, multiValued: true });
    expect(parseFilter('user:latlon:where', '47.5,8.25').condition).toEqual({ op: 'eq', value: '47.5,8.25' });
  });

  it('maps dynamic and static metadata to search_terms names', () => {
    expect(parseFilter('dynamic:str:version:text', 'v2').field).toEqual({ source: 'terms', name: 'v:dynamic:version:text', column: 'str' });
    expect(parseFilter('dynamic:int:subject_area:x', '[0,100]').field).toEqual({ source: 'terms', name: 'v:dynamic:subject_area:x', column: 'num' });
    expect(parseFilter('static:str:exif:Make', 'Canon').field).toEqual({ source: 'terms', name: 'v:static:exif:Make', column: 'str' });
    expect(parseFilter('static:text:iptc:Caption', 'sunset').field).toEqual({ source: 'terms', name: 't:static:iptc:Caption', column: 'str' });
    expect(parseFilter('name_text', 'Beach*').condition).toEqual({ op: 'tokens', tokens: ['beach'], prefix: true });
  });

  it('refuses unknown fields and malformed names, naming the parameter', () => {
    for (const [param, mention] of [
      ['foo', 'not a known parameter'],
      ['user:bogus:x', 'unknown type "bogus"'],
      ['user:Bad-Name', 'invalid field name'],
      ['user:a:b:c', 'not a user field'],
      ['dynamic:str:nope:x', 'unknown dynamic metadata group "nope"'],
      ['dynamic:str:version', 'dynamic:<type>:<group>:<field>'],
      ['static:latlon:exif:GPS', 'unknown type "latlon"'],
      ['static:str:xmp:x', 'unknown static metadata group'],
      ['static:str:exif:bad field', 'invalid field'],
    ] as const) {
      const err = refusal(() => parseFilter(param, 'x'));
      expect(err.code).toBe('ORIGO_ERR_SEARCH_BAD_PARAMETER');
      expect(err.status).toBe(400);
      expect(err.message).toContain(JSON.stringify(param));
      expect(err.message).toContain(mention);
    }
  });
});

describe('values', () => {
  it('parses equality, prefix, quoted values and every range form', () => {
    expect(parseFilter('name', 'a*').condition).toEqual({ op: 'prefix', value: 'a' });
    expect(parseFilter('name', "'a*'").condition).toEqual({ op: 'eq', value: 'a*' });
    expect(parseFilter('name', "'it''s'").condition).toEqual({ op: 'eq', value: "it's" });
    expect(parseFilter('name', "it's").condition).toEqual({ op: 'eq', value: "it's" });
    expect(parseFilter('name', "''").condition).toEqual({ op: 'eq', value: '' });
    expect(parseFilter('user:x', '*').condition).toEqual({ op: 'prefix', value: '' });
    expect(parseFilter('width', '{1,5]').condition).toEqual({ op: 'range', min: { value: 1, inclusive: false }, max: { value: 5, inclusive: true } });
    expect(parseFilter('width', '[10,}').condition).toEqual({ op: 'range', min: { value: 10, inclusive: true }, max: undefined });
    expect(parseFilter('width', '{,10]').condition).toEqual({ op: 'range', min: undefined, max: { value: 10, inclusive: true } });
    expect(parseFilter('name', "['a,b','c']").condition).toEqual({
      op: 'range',
      min: { value: 'a,b', inclusive: true },
      max: { value: 'c', inclusive: true },
    });
    expect(parseFilter('user:double:score', '[-1.5,2e3]').condition).toMatchObject({ min: { value: -1.5 }, max: { value: 2000 } });
  });

  it('makes dates whole-second ranges: inclusive minimum, exclusive maximum', () => {
    expect(parseFilter('created', '2017-01-01T00:00:00Z').condition).toEqual({
      op: 'range',
      min: { value: T2017, inclusive: true },
      max: { value: T2017 + 1000, inclusive: false },
    });
    expect(parseFilter('created', "['2017-01-01T00:00:00Z',}").condition).toEqual({ op: 'range', min: { value: T2017, inclusive: true }, max: undefined });
    expect(parseFilter('created', '{2017-01-01T00:00:00Z,2017-01-01T01:00:00+01:00]').condition).toEqual({
      op: 'range',
      min: { value: T2017 + 1000, inclusive: true },
      max: { value: T2017 + 1000, inclusive: false },
    });
    // A form-decoded '+' of the offset arrives as a space.
    expect(parseFilter('user:date:shot', '2017-01-01T01:00:00 01:00').condition).toMatchObject({ min: { value: T2017 } });
  });

  it('splits text filters into words; a trailing * makes the last a prefix', () => {
    expect(parseFilter('user:text:desc', 'Quick, brown FOX').condition).toEqual({ op: 'tokens', tokens: ['quick', 'brown', 'fox'], prefix: false });
    expect(parseFilter('user:array_text:notes', 'qui*').condition).toEqual({ op: 'tokens', tokens: ['qui'], prefix: true });
  });

  it('refuses malformed values, naming the parameter', () => {
    for (const [param, value, mention] of [
      ['size', '[1,', 'malformed range'],
      ['size', '[1,2,3]', 'more than two bounds'],
      ['size', '{}', 'malformed range'],
      ['size', '[,]', 'at least one bound'],
      ['size', '[a,b]', 'whole numbers'],
      ['size', 'abc', 'whole numbers'],
      ['size', '1.5', 'whole numbers'],
      ['size', '10*', 'prefix'],
      ['user:double:score', 'NaN', 'numbers'],
      ['created', '2017-01-01', 'dates like'],
      ['created', '2017-02-30T00:00:00Z', 'dates like'],
      ['user:date:shot', '[2017,}', 'dates like'],
      ['user:latlon:at', '[1,2]', 'only equality'],
      ['user:latlon:at', '100,0', 'latitude'],
      ['user:text:desc', '[a,b]', 'ranges are not supported'],
      ['user:text:desc', '!!!', 'no words'],
      ['name', '', 'no value'],
      ['name', "'open", 'unterminated'],
      ['name', 'x'.repeat(1025), 'longer than'],
    ] as const) {
      const err = refusal(() => parseFilter(param, value));
      expect(err.code, `${param}=${value}`).toBe('ORIGO_ERR_SEARCH_BAD_PARAMETER');
      expect(err.message).toContain(JSON.stringify(param));
      expect(err.message).toContain(mention);
    }
  });
});

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

describe('the whole query', () => {
  it('separates reserved parameters from filters; repeated filters are each a filter', () => {
    const { search } = parseListingQuery({ limit: '5', 'user:array:tags': ['a', 'b'], operator: 'OR', sort: 'name desc' });
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
    expect(parseListingQuery({ name: 'a*', sort: 'user:int:rank desc', offset: cursor }).search.after).toEqual({ values: [null], hash: 'a'.repeat(40) });
    // Filters in another order are the same listing.
    const both = parseListingQuery({ name: 'a*', size: '1' }).search;
    expect(fingerprint(both)).toBe(fingerprint(parseListingQuery({ size: '1', name: 'a*' }).search));

    const other = refusal(() => parseListingQuery({ name: 'b*', sort: 'user:int:rank desc', offset: cursor }));
    expect(other.message).toContain('different filters');
    expect(refusal(() => parseListingQuery({ name: 'a*', sort: 'user:int:rank desc', deleted: 'true', offset: cursor })).message).toContain('deleted');
    expect(refusal(() => parseListingQuery({ offset: 'garbage!' })).message).toContain('"garbage!"');
    // Values that do not fit the sort keys are refused.
    const s = { ...search } as Search;
    const forged = encodeCursor(s, { values: ['not a number'], hash: 'a'.repeat(40) });
    expect(refusal(() => decodeCursor(s, forged)).message).toContain('cannot be decoded');
  });
});

describe('prefixUpperBound', () => {
  it('is the least string above every extension of the prefix', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('x\ud7ff')).toBe('x\ue000');
    for (const s of ['abc', 'abc\u{1F600}', 'abc\uffff', 'abc\u{10fffe}']) {
      expect(Buffer.compare(Buffer.from(s), Buffer.from(prefixUpperBound('abc')!))).toBeLessThan(0);
    }
  });
});

describe('searchTerms', () => {
  it('indexes name words, dynamic values and static metadata by group and tag', () => {
    const rows = searchTerms({
      name: 'Beach_Day 2.JPG',
      dynamicMetadata: { version: { text: 'v2' }, subject_area: { x: 10, y: 0, width: 5, height: 5 }, multi_areas: { hero: { crop_area: { x: 1 } } } },
      staticMetadata: { exif: { Image: { Make: 'Canon' }, Photo: { DateTimeOriginal: '2017-01-01T10:00:00.000Z' }, Thumbnail: { Make: 'x' } }, iptc: { Keywords: ['sea', 'sun'] }, xmp: '<x/>' },
    });
    const has = (name: string, str: string | null, num: number | null = null) => expect(rows).toContainEqual(expect.objectContaining({ name, str, num }));
    has('t:name', 'beach');
    has('t:name', 'day');
    has('t:name', 'jpg');
    has('v:dynamic:version:text', 'v2');
    has('t:dynamic:version:text', 'v2');
    has('v:dynamic:subject_area:x', '10', 10);
    has('v:dynamic:multi_areas:hero.crop_area.x', '1', 1);
    has('v:static:exif:Make', 'Canon');
    has('v:static:exif:DateTimeOriginal', '2017-01-01T10:00:00.000Z', Date.parse('2017-01-01T10:00:00Z'));
    has('v:static:iptc:Keywords', 'sea');
    has('v:static:iptc:Keywords', 'sun');
    expect(rows.filter((r) => r.str === 'x')).toEqual([]);
    expect(rows.some((r) => r.name.includes('xmp'))).toBe(false);
    // (name, seq) is unique per image.
    expect(new Set(rows.map((r) => `${r.name}#${r.seq}`)).size).toBe(rows.length);
  });
});
