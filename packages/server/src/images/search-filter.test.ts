import { describe, expect, it } from 'vitest';
import { errorOf as refusal } from '../../test/fixtures.ts';
import { parseFilter } from './search-filter.ts';

const T2017 = Date.parse('2017-01-01T00:00:00Z');

describe('filter fields', () => {
  it('maps image fields to columns with their value type', () => {
    expect(parseFilter('binaryhash', 'ABC*')).toMatchObject({
      field: { source: 'image', column: 'binary_hash' },
      condition: { op: 'prefix', value: 'abc' },
    });
    expect(parseFilter('size', '[1,10}')).toMatchObject({
      field: { source: 'image', column: 'size' },
      condition: { op: 'range', min: { value: 1, inclusive: true }, max: { value: 10, inclusive: false } },
    });
    expect(parseFilter('deletedDate', '2017-01-01T00:00:00Z').field).toEqual({ source: 'image', column: 'deleted_at' });
    expect(parseFilter('name', 'a.jpg')).toMatchObject({
      field: { column: 'name' },
      condition: { op: 'eq', value: 'a.jpg' },
      multiValued: false,
    });
  });

  it('maps user fields with and without a type', () => {
    expect(parseFilter('user:title', 'x').field).toEqual({ source: 'user', name: 'title', type: 'str', column: 'str' });
    expect(parseFilter('user:str:title', 'x').field).toEqual({
      source: 'user',
      name: 'title',
      type: 'str',
      column: 'str',
    });
    expect(parseFilter('user:int:rank', '3').field).toEqual({
      source: 'user',
      name: 'rank',
      type: 'int',
      column: 'num',
    });
    expect(parseFilter('user:date:shot', '2017-01-01T00:00:00Z').field).toMatchObject({ type: 'date', column: 'num' });
    expect(parseFilter('user:array:tags', 'beach')).toMatchObject({
      field: { type: 'array', column: 'str' },
      multiValued: true,
    });
    expect(parseFilter('user:latlon:where', '47.5,8.25').condition).toEqual({ op: 'eq', value: '47.5,8.25' });
  });

  it('maps dynamic and static metadata to search_terms names', () => {
    expect(parseFilter('dynamic:str:version:text', 'v2').field).toEqual({
      source: 'terms',
      name: 'v:dynamic:version:text',
      column: 'str',
    });
    expect(parseFilter('dynamic:int:subject_area:x', '[0,100]').field).toEqual({
      source: 'terms',
      name: 'v:dynamic:subject_area:x',
      column: 'num',
    });
    expect(parseFilter('static:str:exif:Make', 'Canon').field).toEqual({
      source: 'terms',
      name: 'v:static:exif:Make',
      column: 'str',
    });
    expect(parseFilter('static:text:iptc:Caption', 'sunset').field).toEqual({
      source: 'terms',
      name: 't:static:iptc:Caption',
      column: 'str',
    });
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
    expect(parseFilter('width', '{1,5]').condition).toEqual({
      op: 'range',
      min: { value: 1, inclusive: false },
      max: { value: 5, inclusive: true },
    });
    expect(parseFilter('width', '[10,}').condition).toEqual({
      op: 'range',
      min: { value: 10, inclusive: true },
      max: undefined,
    });
    expect(parseFilter('width', '{,10]').condition).toEqual({
      op: 'range',
      min: undefined,
      max: { value: 10, inclusive: true },
    });
    expect(parseFilter('name', "['a,b','c']").condition).toEqual({
      op: 'range',
      min: { value: 'a,b', inclusive: true },
      max: { value: 'c', inclusive: true },
    });
    expect(parseFilter('user:double:score', '[-1.5,2e3]').condition).toMatchObject({
      min: { value: -1.5 },
      max: { value: 2000 },
    });
  });

  it('makes dates whole-second ranges: inclusive minimum, exclusive maximum', () => {
    expect(parseFilter('created', '2017-01-01T00:00:00Z').condition).toEqual({
      op: 'range',
      min: { value: T2017, inclusive: true },
      max: { value: T2017 + 1000, inclusive: false },
    });
    expect(parseFilter('created', "['2017-01-01T00:00:00Z',}").condition).toEqual({
      op: 'range',
      min: { value: T2017, inclusive: true },
      max: undefined,
    });
    expect(parseFilter('created', '{2017-01-01T00:00:00Z,2017-01-01T01:00:00+01:00]').condition).toEqual({
      op: 'range',
      min: { value: T2017 + 1000, inclusive: true },
      max: { value: T2017 + 1000, inclusive: false },
    });
    // A form-decoded '+' of the offset arrives as a space.
    expect(parseFilter('user:date:shot', '2017-01-01T01:00:00 01:00').condition).toMatchObject({
      min: { value: T2017 },
    });
  });

  it('splits text filters into words; a trailing * makes the last a prefix', () => {
    expect(parseFilter('user:text:desc', 'Quick, brown FOX').condition).toEqual({
      op: 'tokens',
      tokens: ['quick', 'brown', 'fox'],
      prefix: false,
    });
    expect(parseFilter('user:array_text:notes', 'qui*').condition).toEqual({
      op: 'tokens',
      tokens: ['qui'],
      prefix: true,
    });
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
