// User metadata (spec §3): field names, the types by prefix, merge/replace
// semantics and the typed index rows, as pure functions.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf, expect400 } from '../../test/fixtures.ts';
import { OrigoError } from '../errors.ts';
import {
  findUserField,
  indexRows,
  mergeUserMetadata,
  normalizeDate,
  outputKey,
  parseField,
  parseFieldKey,
  removeUserField,
  replaceUserMetadata,
  setUserField,
  textTokens,
  USER_TYPES,
} from './user-metadata.ts';

describe('field names', () => {
  it('splits the type prefix from the bare name', () => {
    expect(parseFieldKey('title')).toEqual({ name: 'title', type: 'str', typed: false });
    expect(parseFieldKey('str:title')).toEqual({ name: 'title', type: 'str', typed: true });
    expect(parseFieldKey('int:rank')).toEqual({ name: 'rank', type: 'int', typed: true });
    expect(parseFieldKey('array_text:notes')).toEqual({ name: 'notes', type: 'array_text', typed: true });
  });

  it('accepts a-z, 0-9 and _ from 1 to 54 characters', () => {
    expect(parseFieldKey('a').name).toBe('a');
    expect(parseFieldKey('a'.repeat(54)).name).toBe('a'.repeat(54));
    expect(parseFieldKey('snake_case_09').name).toBe('snake_case_09');
    expect(parseFieldKey('_').name).toBe('_');
  });

  it.each([
    ['Title'],
    ['my-field'],
    ['my.field'],
    ['my field'],
    ['a'.repeat(55)],
    [''],
    ['int:'],
    ['int:Rank'],
    ['ünïcode'],
    ['int:rank:x'],
  ])('refuses the name %j with a 400 naming it', (key) => {
    expect400(() => parseFieldKey(key), JSON.stringify(key));
  });

  it.each([['foo:bar'], ['INT:rank'], [':rank'], ['float:x']])(
    'refuses the unknown prefix of %j with a 400 naming the key',
    (key) => {
      expect400(() => parseFieldKey(key), JSON.stringify(key));
      expect(errorOf(() => parseFieldKey(key)).message).toMatch(/unknown type prefix/);
    },
  );

  it('shows plain strings without prefix and every other type with it', () => {
    expect(outputKey({ name: 'foo', type: 'str' })).toBe('foo');
    for (const type of USER_TYPES.filter((t) => t !== 'str'))
      expect(outputKey({ name: 'foo', type })).toBe(`${type}:foo`);
  });
});

describe('types', () => {
  it('str: strings as they are, numbers and booleans as strings', () => {
    expect(parseField('foo', 'bar').value).toBe('bar');
    expect(parseField('str:foo', 'bar')).toEqual({ name: 'foo', type: 'str', value: 'bar' });
    expect(parseField('foo', 42).value).toBe('42');
    expect(parseField('foo', 1.5).value).toBe('1.5');
    expect(parseField('foo', true).value).toBe('true');
    expect(parseField('foo', false).value).toBe('false');
    expect(parseField('foo', '').value).toBe('');
  });

  it('str: refuses objects and arrays', () => {
    expect400(() => parseField('foo', { a: 1 }), '"foo"');
    expect400(() => parseField('foo', ['a']), '"foo"');
  });

  it('str: up to 32766 UTF-8 bytes', () => {
    expect(parseField('foo', 'a'.repeat(32_766)).value).toHaveLength(32_766);
    expect400(() => parseField('foo', 'a'.repeat(32_767)), '32766');
    // é is two bytes: 16383 of them are 32766 bytes, one more ASCII byte is too many.
    expect(parseField('foo', 'é'.repeat(16_383)).value).toHaveLength(16_383);
    expect400(() => parseField('foo', `${'é'.repeat(16_383)}a`), '32766');
  });

  it('text: a string, kept as written', () => {
    expect(parseField('text:desc', 'Hello World').value).toBe('Hello World');
    expect400(() => parseField('text:desc', { a: 1 }), 'text:desc');
  });

  it('int: whole numbers and strings of sign and digits', () => {
    expect(parseField('int:n', 5).value).toBe(5);
    expect(parseField('int:n', -5).value).toBe(-5);
    expect(parseField('int:n', '17').value).toBe(17);
    expect(parseField('int:n', '-17').value).toBe(-17);
    expect(parseField('int:n', '+17').value).toBe(17);
    expect(parseField('int:n', Number.MAX_SAFE_INTEGER).value).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseField('int:n', String(Number.MIN_SAFE_INTEGER)).value).toBe(Number.MIN_SAFE_INTEGER);
  });

  it.each([
    [1.5],
    ['abc'],
    ['1.5'],
    ['1e3'],
    [''],
    [' '],
    [true],
    [null],
    [[1]],
    [{}],
    [2 ** 53],
    ['9007199254740992'],
    ['-9007199254740992'],
  ])('int: refuses %j', (value) => {
    expect400(() => parseField('int:n', value), '"int:n"');
  });

  it('double: numbers and numeric strings', () => {
    expect(parseField('double:d', 2.5).value).toBe(2.5);
    expect(parseField('double:d', 3).value).toBe(3);
    expect(parseField('double:d', '2.5').value).toBe(2.5);
    expect(parseField('double:d', '-1e3').value).toBe(-1000);
    expect(parseField('double:d', '.5').value).toBe(0.5);
  });

  it.each([['abc'], ['1,5'], [''], ['NaN'], ['Infinity'], ['1e400'], [true], [[1]], [{}]])(
    'double: refuses %j',
    (value) => {
      expect400(() => parseField('double:d', value), '"double:d"');
    },
  );

  it('date: normalizes to YYYY-MM-DDTHH:MM:SSZ in UTC', () => {
    expect(parseField('date:d', '2024-05-31T12:00:00Z').value).toBe('2024-05-31T12:00:00Z');
    expect(parseField('date:d', '2024-05-31T12:00:00.123Z').value).toBe('2024-05-31T12:00:00Z');
    expect(parseField('date:d', '2024-05-31T12:00:00.123456789Z').value).toBe('2024-05-31T12:00:00Z');
    expect(parseField('date:d', '2024-05-31T14:30:00+02:30').value).toBe('2024-05-31T12:00:00Z');
    expect(parseField('date:d', '2024-01-01T01:00:00+02:00').value).toBe('2023-12-31T23:00:00Z');
    expect(parseField('date:d', '2024-12-31T23:00:00-01:00').value).toBe('2025-01-01T00:00:00Z');
    expect(parseField('date:d', '2024-02-29T00:00:00Z').value).toBe('2024-02-29T00:00:00Z');
  });

  it('date: years 0000 to 0099 are years, not 1900 to 1999', () => {
    expect(parseField('date:d', '0050-06-01T00:00:00Z').value).toBe('0050-06-01T00:00:00Z');
    expect(parseField('date:d', '0000-01-01T00:00:00Z').value).toBe('0000-01-01T00:00:00Z');
  });

  it.each([
    ['2024-05-31'],
    ['2024-05-31T12:00Z'],
    ['2024-05-31 12:00:00Z'],
    ['2024-05-31T12:00:00'],
    ['2024-05-31T12:00:00+0200'],
    ['2024-02-30T00:00:00Z'],
    ['2023-02-29T00:00:00Z'],
    ['2024-13-01T00:00:00Z'],
    ['2024-05-31T24:00:00Z'],
    ['2024-05-31T12:60:00Z'],
    ['2024-05-31T12:00:60Z'],
    ['2024-05-31T12:00:00+24:00'],
    ['20240531T120000Z'],
    ['yesterday'],
    [''],
    [1_717_156_800],
    [null],
    // The UTC instant would leave years 0000-9999, which YYYY cannot show.
    ['9999-12-31T23:59:59-01:00'],
    ['0000-01-01T00:00:00+01:00'],
  ])('date: refuses %j', (value) => {
    expect400(() => parseField('date:d', value), '"date:d"');
  });

  it('latlon: "lat,lon" within -90..90 and -180..180', () => {
    expect(parseField('latlon:l', '47.38,8.52').value).toBe('47.38,8.52');
    expect(parseField('latlon:l', ' 47.380 , -8.5 ').value).toBe('47.38,-8.5');
    expect(parseField('latlon:l', '-90,-180').value).toBe('-90,-180');
    expect(parseField('latlon:l', '90,180').value).toBe('90,180');
  });

  it.each([
    ['90.1,0'],
    ['-90.1,0'],
    ['0,180.5'],
    ['0,-181'],
    ['47.38'],
    ['47.38,8.52,1'],
    ['a,b'],
    [''],
    [[47, 8]],
    [47.38],
    [{ lat: 1, lon: 2 }],
  ])('latlon: refuses %j', (value) => {
    expect400(() => parseField('latlon:l', value), '"latlon:l"');
  });

  it('array and array_text: scalars become strings, a single string is wrapped', () => {
    expect(parseField('array:a', ['x', 1, true, 2.5]).value).toEqual(['x', '1', 'true', '2.5']);
    expect(parseField('array:a', 'single').value).toEqual(['single']);
    expect(parseField('array:a', []).value).toEqual([]);
    expect(parseField('array_text:t', ['Some text', 3]).value).toEqual(['Some text', '3']);
    expect(parseField('array_text:t', 'one').value).toEqual(['one']);
  });

  it.each([[[{ a: 1 }]], [[['x']]], [['ok', { a: 1 }]], [[null]], [{ a: 1 }], [5], [true]])(
    'array: refuses %j',
    (value) => {
      expect400(() => parseField('array:a', value), '"array:a"');
      expect400(() => parseField('array_text:a', value), '"array_text:a"');
    },
  );
});

describe('merge, replace, set, find, remove', () => {
  const current = { title: 'Beach', 'int:rank': 3, 'array:tags': ['a'] };

  it('PATCH semantics: listed fields set, null deletes, others stay', () => {
    expect(mergeUserMetadata(current, { title: 'Lake', 'int:rank': null, 'double:d': '1.5' })).toEqual({
      title: 'Lake',
      'array:tags': ['a'],
      'double:d': 1.5,
    });
  });

  it('identifies a field by its bare name: int:title replaces title, str:rank replaces int:rank', () => {
    const merged = mergeUserMetadata(current, { 'int:title': '7', 'str:rank': 'top' });
    expect(merged).toEqual({ 'int:title': 7, rank: 'top', 'array:tags': ['a'] });
    expect(Object.keys(merged)).not.toContain('title');
    expect(Object.keys(merged)).not.toContain('int:rank');
  });

  it('null on a prefixed key deletes the field whatever its type', () => {
    expect(mergeUserMetadata(current, { 'date:rank': null })).toEqual({ title: 'Beach', 'array:tags': ['a'] });
  });

  it('is all or nothing: one bad field throws and the input is not changed', () => {
    const before = structuredClone(current);
    expect400(() => mergeUserMetadata(current, { a: 'ok', 'int:b': 1.5 }), 'int:b');
    expect(current).toEqual(before);
  });

  it('refuses bodies that are not objects', () => {
    for (const body of [null, [], ['a'], 'text', 5, true]) expect400(() => mergeUserMetadata({}, body), 'JSON object');
  });

  it('PUT semantics: the body is everything, null values are not stored', () => {
    expect(replaceUserMetadata({ a: 'x', b: null, 'int:c': 1 })).toEqual({ a: 'x', 'int:c': 1 });
    expect(replaceUserMetadata({})).toEqual({});
  });

  it('sets and deletes one field by its path key', () => {
    expect(setUserField(current, 'int:title', 9)).toEqual({ 'int:title': 9, 'int:rank': 3, 'array:tags': ['a'] });
    expect(setUserField(current, 'title', null)).toEqual({ 'int:rank': 3, 'array:tags': ['a'] });
    expect400(() => setUserField(current, 'Bad-Name', 'x'), 'Bad-Name');
  });

  it('finds a field by bare name; a prefix must match the stored type', () => {
    expect(findUserField(current, 'rank')).toEqual({ name: 'rank', type: 'int', value: 3 });
    expect(findUserField(current, 'int:rank')).toEqual({ name: 'rank', type: 'int', value: 3 });
    expect(findUserField(current, 'str:title')).toEqual({ name: 'title', type: 'str', value: 'Beach' });
    expect(findUserField(current, 'double:rank')).toBeUndefined();
    expect(findUserField(current, 'missing')).toBeUndefined();
  });

  it('removes a field; removing an absent one changes nothing', () => {
    expect(removeUserField(current, 'title')).toEqual({ 'int:rank': 3, 'array:tags': ['a'] });
    expect(removeUserField(current, 'int:rank')).toEqual({ title: 'Beach', 'array:tags': ['a'] });
    expect(removeUserField(current, 'missing')).toEqual(current);
  });

  it('removes by bare name whatever prefix the path carries, like a PATCH with null', () => {
    expect(removeUserField(current, 'double:rank')).toEqual({ title: 'Beach', 'array:tags': ['a'] });
    expect(mergeUserMetadata(current, { 'double:rank': null })).toEqual(removeUserField(current, 'double:rank'));
  });
});

describe('prototype-looking names are plain data', () => {
  it('stores __proto__, constructor and prototype as own keys', () => {
    const body = JSON.parse('{"__proto__": "x", "constructor": "y", "prototype": "z"}') as unknown;
    const merged = mergeUserMetadata({}, body);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(body);
    expect(findUserField(merged, '__proto__')?.value).toBe('x');
    expect(removeUserField(merged, '__proto__')).toEqual({ constructor: 'y', prototype: 'z' });
  });

  it('refuses an object under __proto__ and pollutes nothing', () => {
    const body = JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown;
    expect400(() => mergeUserMetadata({}, body), '__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('index rows', () => {
  it('makes one row per scalar, array element and text token', () => {
    const metadata = mergeUserMetadata(
      {},
      {
        title: 'Beach',
        'text:desc': 'Hello, World! hello again',
        'int:rank': 3,
        'double:score': 2.5,
        'date:taken': '2024-05-31T12:00:00Z',
        'latlon:where': '47.38,8.52',
        'array:tags': ['b', 'a'],
        'array_text:notes': ['Red sky', 'blue Sky'],
      },
    );
    const rows = indexRows(metadata);
    const by = (name: string) => rows.filter((r) => r.name === name).map(({ name: _n, ...rest }) => rest);
    expect(by('title')).toEqual([{ type: 'str', seq: 0, str: 'Beach', num: null }]);
    expect(by('desc')).toEqual([
      { type: 'text', seq: 0, str: 'hello', num: null },
      { type: 'text', seq: 1, str: 'world', num: null },
      { type: 'text', seq: 2, str: 'again', num: null },
    ]);
    expect(by('rank')).toEqual([{ type: 'int', seq: 0, str: null, num: 3 }]);
    expect(by('score')).toEqual([{ type: 'double', seq: 0, str: null, num: 2.5 }]);
    expect(by('taken')).toEqual([
      { type: 'date', seq: 0, str: '2024-05-31T12:00:00Z', num: Date.UTC(2024, 4, 31, 12) },
    ]);
    expect(by('where')).toEqual([{ type: 'latlon', seq: 0, str: '47.38,8.52', num: null }]);
    expect(by('tags')).toEqual([
      { type: 'array', seq: 0, str: 'b', num: null },
      { type: 'array', seq: 1, str: 'a', num: null },
    ]);
    expect(by('notes').map((r) => r.str)).toEqual(['red', 'sky', 'blue']);
    expect(rows).toHaveLength(1 + 3 + 1 + 1 + 1 + 1 + 2 + 3);
  });

  it('makes no rows for no metadata', () => {
    expect(indexRows({})).toEqual([]);
  });

  it('tokenizes text into lower-cased words', () => {
    expect(textTokens('Zürich, ZÜRICH and 42nd-street')).toEqual(['zürich', 'and', '42nd', 'street']);
    expect(textTokens('  ...  ')).toEqual([]);
  });
});

describe('normalizeDate', () => {
  it('round-trips every second of years 0000 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          const text = `${date.toISOString().slice(0, 19)}Z`;
          expect(normalizeDate('date:d', text)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same instant for any offset', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9000-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (date, offsetMinutes) => {
          const utc = Math.floor(date.getTime() / 1000) * 1000;
          const local = new Date(utc + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(normalizeDate('date:d', `${local}${offset}`)).toBe(`${new Date(utc).toISOString().slice(0, 19)}Z`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- properties ----

const goodName = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'),
  minLength: 1,
  maxLength: 54,
});
const anyKey = fc.oneof(
  fc.tuple(fc.constantFrom(...USER_TYPES), goodName).map(([t, n]) => `${t}:${n}`),
  goodName,
  fc.string({ maxLength: 60 }),
);

/** A key and value parseField must accept, with the stored value expected, built valid by construction. */
interface ValidField {
  type: (typeof USER_TYPES)[number];
  name: string;
  key: string;
  value: unknown;
  expected: unknown;
}
const scalarText = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => ({ value: s as unknown, expected: s })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => ({ value: d as unknown, expected: String(d) })),
  fc.boolean().map((b) => ({ value: b as unknown, expected: b ? 'true' : 'false' })),
);
const safeInt = fc.maxSafeInteger();
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
// Whole seconds in years 0001-9998, so that any offset of up to ±23:59 stays within 0000-9999.
const instant = fc.integer({ min: Date.UTC(1, 0, 2) / 1000, max: Date.UTC(9998, 11, 30) / 1000 });
const offsetMinutes = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });
const coordinate = (limit: number) =>
  fc.integer({ min: -limit * 1000, max: limit * 1000 }).map((n) => (n / 1000).toFixed(3));
const valueFor: { [T in ValidField['type']]: fc.Arbitrary<{ value: unknown; expected: unknown }> } = {
  str: scalarText,
  text: scalarText,
  int: fc.oneof(
    safeInt.map((n) => ({ value: n as unknown, expected: n })),
    safeInt.map((n) => ({ value: ` ${n} `, expected: n })),
  ),
  double: fc.oneof(
    finite.map((d) => ({ value: d as unknown, expected: d })),
    // As text, -0 reads back as 0.
    finite.map((d) => ({ value: String(d), expected: Number(String(d)) })),
  ),
  date: fc.tuple(instant, offsetMinutes, fc.boolean()).map(([seconds, offset, fraction]) => {
    const local = new Date((seconds + offset * 60) * 1000).toISOString().slice(0, 19);
    const abs = Math.abs(offset);
    const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return {
      value: `${local}${fraction ? '.250' : ''}${zone}`,
      expected: `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`,
    };
  }),
  latlon: fc
    .tuple(coordinate(90), coordinate(180))
    .map(([lat, lon]) => ({ value: `${lat}, ${lon}`, expected: `${Number(lat)},${Number(lon)}` })),
  array: fc
    .array(scalarText, { maxLength: 8 })
    .map((items) => ({ value: items.map((i) => i.value), expected: items.map((i) => i.expected) })),
  array_text: fc.oneof(
    fc
      .array(scalarText, { maxLength: 8 })
      .map((items) => ({ value: items.map((i) => i.value) as unknown, expected: items.map((i) => i.expected) })),
    fc.string({ maxLength: 40 }).map((s) => ({ value: s as unknown, expected: [s] })),
  ),
};
const validField: fc.Arbitrary<ValidField> = fc
  .tuple(fc.constantFrom(...USER_TYPES), goodName, fc.boolean())
  .chain(([type, name, bare]) =>
    valueFor[type].map(({ value, expected }) => ({
      type,
      name,
      key: type === 'str' && bare ? name : `${type}:${name}`,
      value,
      expected,
    })),
  );

describe('parseField properties', () => {
  it('throws nothing but an OrigoError with status 400 for any JSON value', () => {
    fc.assert(
      fc.property(anyKey, fc.jsonValue({ maxDepth: 3 }), (key, value) => {
        try {
          parseField(key, value);
        } catch (err) {
          expect(err).toBeInstanceOf(OrigoError);
          expect((err as OrigoError).status).toBe(400);
          expect((err as OrigoError).message).toContain(JSON.stringify(key));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is stable: a valid value normalizes as expected and parses back to itself under its output key', () => {
    let runs = 0;
    fc.assert(
      fc.property(validField, ({ type, name, key, value, expected }) => {
        runs++;
        const field = parseField(key, value);
        expect(field).toEqual({ name, type, value: expected });
        const shownAs = type === 'str' ? name : `${type}:${name}`;
        expect(outputKey(field)).toBe(shownAs);
        expect(parseField(shownAs, field.value)).toEqual(field);
        // The index rows of a stored field can always be made, under its bare name and type.
        const rows = indexRows({ [shownAs]: field.value });
        if (type !== 'text' && type !== 'array' && type !== 'array_text') expect(rows).toHaveLength(1);
        for (const row of rows) {
          expect(row).toMatchObject({ name, type });
          if (row.num !== null) expect(Number.isFinite(row.num)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(runs).toBe(1000);
  });
});
