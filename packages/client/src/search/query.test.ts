// Each builder call and the exact query string it makes, written out by
// hand from docs/reference/search.md; and what the types refuse.

import { describe, expect, it } from 'vitest';
import { SearchQueryError } from './errors.ts';
import { fields } from './fields.ts';
import { search } from './query.ts';

const qs = (q: { toString(): string }) => q.toString();

describe('filters', () => {
  it('writes equality on every kind of field', () => {
    expect(qs(search().where(fields.user.array('tags'), 'beach'))).toBe('user%3Aarray%3Atags=beach');
    expect(qs(search().where(fields.user.str('category'), 'travel'))).toBe('user%3Acategory=travel');
    expect(qs(search().where(fields.user.int('rank'), -5))).toBe('user%3Aint%3Arank=-5');
    expect(qs(search().where(fields.user.double('score'), 0.25))).toBe('user%3Adouble%3Ascore=0.25');
    expect(qs(search().where(fields.format, 'jpg'))).toBe('format=jpg');
    expect(qs(search().where(fields.size, 1203))).toBe('size=1203');
    expect(qs(search().where(fields.nameText, 'Summer sea'))).toBe('name_text=Summer+sea');
    expect(qs(search().where(fields.user.latlon('place'), { lat: 47.5, lon: 8.25 }))).toBe(
      'user%3Alatlon%3Aplace=47.5%2C8.25',
    );
    expect(qs(search().where(fields.dynamic.str('version', 'text'), 'v2'))).toBe('dynamic%3Astr%3Aversion%3Atext=v2');
    expect(qs(search().where(fields.static.str('exif', 'Make'), 'Canon'))).toBe('static%3Astr%3Aexif%3AMake=Canon');
    expect(qs(search().where(fields.static.array('iptc', 'Keywords'), 'sea'))).toBe(
      'static%3Aarray%3Aiptc%3AKeywords=sea',
    );
  });

  it('quotes values that would read as a prefix, a range, a quoted value or nothing', () => {
    expect(qs(search().where(fields.name, 'a*'))).toBe('name=%27a*%27');
    expect(qs(search().where(fields.name, '[draft]'))).toBe('name=%27%5Bdraft%5D%27');
    expect(qs(search().where(fields.name, '{x}'))).toBe('name=%27%7Bx%7D%27');
    expect(qs(search().where(fields.name, ''))).toBe('name=%27%27');
    expect(qs(search().where(fields.name, "'quoted'"))).toBe('name=%27%27%27quoted%27%27%27');
    // Quotes inside a value and a '*' before its end are ordinary characters.
    expect(qs(search().where(fields.name, "it's a*b"))).toBe('name=it%27s+a*b');
    expect(qs(search().where(fields.user.text('caption'), 'sunset*'))).toBe('user%3Atext%3Acaption=%27sunset*%27');
  });

  it('encodes a literal + so that it is not read as a space', () => {
    expect(qs(search().where(fields.created, '2017-01-01T02:00:00+02:00'))).toBe(
      'created=2017-01-01T02%3A00%3A00%2B02%3A00',
    );
    expect(qs(search().where(fields.name, 'a+b.jpg'))).toBe('name=a%2Bb.jpg');
  });

  it('writes dates to the second, in UTC', () => {
    expect(qs(search().where(fields.created, new Date(Date.UTC(2017, 0, 1, 0, 0, 0, 750))))).toBe(
      'created=2017-01-01T00%3A00%3A00Z',
    );
  });

  it('writes prefixes and presence', () => {
    expect(qs(search().prefix(fields.name, 'IMG_'))).toBe('name=IMG_*');
    expect(qs(search().prefix(fields.nameText, 'quick bro'))).toBe('name_text=quick+bro*');
    expect(qs(search().prefix(fields.user.array('tags'), 'bea'))).toBe('user%3Aarray%3Atags=bea*');
    expect(qs(search().present(fields.user.str('category')))).toBe('user%3Acategory=*');
    expect(qs(search().prefix(fields.hash, ''))).toBe('hash=*');
  });

  it('writes a prefix that starts like a quoted value or a range as the range of strings that start with it', () => {
    // [ '[dr' , '[ds' }: every string from "[dr" up to, not including, "[ds".
    expect(qs(search().prefix(fields.name, '[dr'))).toBe('name=%5B%27%5Bdr%27%2C%27%5Bds%27%7D');
    expect(qs(search().prefix(fields.name, "'"))).toBe('name=%5B%27%27%27%27%2C%27%28%27%7D');
    // On a text field a leading space changes no word.
    expect(qs(search().prefix(fields.nameText, '[dr'))).toBe('name_text=+%5Bdr*');
  });

  it('writes ranges with their brackets, open at either end', () => {
    expect(qs(search().range(fields.user.int('rank'), { gte: 1, lt: 10 }))).toBe('user%3Aint%3Arank=%5B1%2C10%7D');
    expect(qs(search().range(fields.width, { gt: 100, lte: 200 }))).toBe('width=%7B100%2C200%5D');
    expect(qs(search().range(fields.user.double('score'), { gt: 0.5 }))).toBe('user%3Adouble%3Ascore=%7B0.5%2C%7D');
    expect(qs(search().range(fields.height, { lte: 50 }))).toBe('height=%7B%2C50%5D');
    expect(qs(search().range(fields.created, { gte: new Date(Date.UTC(2017, 0, 1)) }))).toBe(
      'created=%5B2017-01-01T00%3A00%3A00Z%2C%7D',
    );
    expect(qs(search().range(fields.name, { gte: 'a,b', lt: "c'd" }))).toBe('name=%5B%27a%2Cb%27%2C%27c%27%27d%27%7D');
    expect(qs(search().range(fields.dynamic.int('subject_area', 'x'), { gte: 0, lte: 100 }))).toBe(
      'dynamic%3Aint%3Asubject_area%3Ax=%5B0%2C100%5D',
    );
    expect(qs(search().range(fields.static.date('exif', 'DateTimeOriginal'), { gte: '2017-01-01T00:00:00Z' }))).toBe(
      'static%3Adate%3Aexif%3ADateTimeOriginal=%5B2017-01-01T00%3A00%3A00Z%2C%7D',
    );
  });

  it('repeats a field given twice', () => {
    const q = search().where(fields.user.array('tags'), 'beach').where(fields.user.array('tags'), 'sun');
    expect(qs(q)).toBe('user%3Aarray%3Atags=beach&user%3Aarray%3Atags=sun');
  });
});

describe('sort, facets, paging, flags', () => {
  it('writes sort keys in order, ascending unless told', () => {
    expect(qs(search().sort(fields.user.double('score'), 'desc'))).toBe('sort=user%3Adouble%3Ascore+desc');
    expect(qs(search().sort(fields.created, 'desc').sort(fields.size))).toBe('sort=created+desc%2Csize+asc');
    // A plain string user field is sorted by its typed name.
    expect(qs(search().sort(fields.user.str('title')))).toBe('sort=user%3Astr%3Atitle+asc');
  });

  it('writes facets as asked', () => {
    expect(qs(search().facets(fields.user.str('category'), fields.user.array('tags')))).toBe(
      'facets=user%3Acategory%2Cuser%3Aarray%3Atags',
    );
  });

  it('writes operator, deleted, limit, offset and cursor after the filters', () => {
    const q = search()
      .limit(5)
      .operator('or')
      .deleted()
      .offset(20)
      .where(fields.format, 'png')
      .facets(fields.user.array('tags'))
      .sort(fields.name);
    expect(qs(q)).toBe(
      'format=png&sort=name+asc&facets=user%3Aarray%3Atags&operator=or&deleted=true&limit=5&offset=20',
    );
    expect(qs(search().cursor('eyJ2Ijoy'))).toBe('offset=eyJ2Ijoy');
    expect(qs(search().limit(0))).toBe('limit=0');
    expect(qs(search())).toBe('');
  });

  it('never changes a query: each call makes a new one', () => {
    const base = search().where(fields.format, 'jpg');
    const page = base.limit(10);
    expect(qs(base)).toBe('format=jpg');
    expect(qs(page)).toBe('format=jpg&limit=10');
    expect(page.toParams().getAll('format')).toEqual(['jpg']);
  });
});

describe('what the builder refuses while building', () => {
  const refuses = (build: () => unknown, mention: string) => {
    expect(build).toThrow(SearchQueryError);
    expect(build).toThrow(mention);
  };

  it('refuses names origo would refuse', () => {
    refuses(() => fields.user.str('Title'), '"Title"');
    refuses(() => fields.user.int('a'.repeat(55)), 'a-z, 0-9 and _');
    refuses(() => fields.static.str('exif', 'Make Model'), '"Make Model"');
  });

  it('refuses values origo would refuse', () => {
    refuses(() => search().where(fields.user.int('rank'), 1.5), '1.5');
    refuses(() => search().where(fields.size, Number.NaN), 'NaN');
    refuses(() => search().where(fields.user.double('score'), Number.POSITIVE_INFINITY), 'Infinity');
    refuses(() => search().where(fields.nameText, '-- !'), 'no words');
    refuses(() => search().where(fields.user.latlon('place'), { lat: 91, lon: 0 }), '91,0');
    refuses(() => search().where(fields.created, '2017-02-30T00:00:00Z'), '2017-02-30T00:00:00Z');
    refuses(() => search().where(fields.created, new Date(Number.NaN)), 'years 0000-9999');
    refuses(() => search().where(fields.name, 'x'.repeat(1025)), 'longer than 1024');
  });

  it('refuses sort keys, facets and pages origo would refuse', () => {
    refuses(() => search().sort(fields.user.str('x')).sort(fields.user.int('x')), 'already sorted by user:int:x');
    refuses(() => search().facets(fields.user.array('t'), fields.user.array('t')), 'twice');
    refuses(() => search().limit(2001), 'from 0 to 2000');
    refuses(() => search().limit(10).offset(9991), 'must not exceed 10000');
    refuses(() => search().offset(9901), '9901 + 100');
    refuses(() => search().cursor('20'), 'not a cursor');
  });

  it('refuses at compile time what the doc forbids', () => {
    const text = fields.user.text('caption');
    const num = fields.user.int('rank');
    // Checked by tsc (the client's typecheck); the calls are never run.
    const unrun = () => {
      // @ts-expect-error a text field takes no range
      search().range(text, { gte: 'a' });
      // @ts-expect-error a number takes no prefix
      search().prefix(num, '1');
      // @ts-expect-error a latlon field takes no range
      search().range(fields.user.latlon('p'), { gte: { lat: 0, lon: 0 } });
      // @ts-expect-error an int field takes numbers
      search().where(num, '5');
      // @ts-expect-error dynamic metadata cannot be sorted by
      search().sort(fields.dynamic.int('subject_area', 'x'));
      // @ts-expect-error text user fields cannot be sorted by
      search().sort(text);
      // @ts-expect-error facets count str and array fields only
      search().facets(num);
      // @ts-expect-error a range has gte or gt, not both
      search().range(num, { gte: 1, gt: 2 });
      // @ts-expect-error a range needs a bound
      search().range(num, {});
      // @ts-expect-error only searchable static groups
      fields.static.str('xmp', 'x');
    };
    expect(typeof unrun).toBe('function');
  });
});
