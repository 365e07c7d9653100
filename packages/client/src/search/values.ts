// How filter values are written in origo's search grammar: quoting where a
// value would otherwise read as a range, a prefix or nothing, ranges with
// their brackets, numbers, dates and coordinates in the forms origo parses.

import { SearchQueryError } from './errors.ts';
import type { FieldKind } from './fields.ts';

/** An ISO-8601 date-time with seconds and `Z` or an offset: `2017-01-01T00:00:00Z`. */
export type IsoDateTime = `${number}-${number}-${number}T${number}:${number}:${string}`;

export interface LatLon {
  lat: number;
  lon: number;
}

/** The value a filter on a field of each kind takes. */
export interface FieldValues {
  string: string;
  text: string;
  int: number;
  double: number;
  date: Date | IsoDateTime;
  latlon: LatLon;
}

/** The kinds that can be filtered by a range (not text, not latlon). */
export type RangeKind = 'string' | 'int' | 'double' | 'date';

type Lower<V> = { gte: V; gt?: never } | { gt: V; gte?: never };
type Upper<V> = { lte: V; lt?: never } | { lt: V; lte?: never };
type NoLower = { gte?: never; gt?: never };
type NoUpper = { lte?: never; lt?: never };

/** A range with at least one bound, each inclusive (`gte`, `lte`) or exclusive (`gt`, `lt`). */
export type Range<V> = (Lower<V> & (Upper<V> | NoUpper)) | (NoLower & Upper<V>);

/** origo refuses longer values. */
const MAX_VALUE_LENGTH = 1024;
const MAX_WORDS = 32;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** `'v'` with every `'` doubled: the value taken literally. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Whether a bare value would be read as something else: empty, a quoted value, a range or a prefix. */
function needsQuotes(text: string): boolean {
  return text === '' || text.startsWith("'") || text.startsWith('[') || text.startsWith('{') || text.endsWith('*');
}

/** The words origo finds in a text: runs of letters and digits, case-folded. */
export function words(text: string): string[] {
  return [
    ...new Set(
      text
        .toLowerCase()
        .normalize('NFKC')
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    ),
  ];
}

function checkLength(param: string, value: string): string {
  if (value.length > MAX_VALUE_LENGTH) {
    throw new SearchQueryError(`The value of ${param} is longer than ${MAX_VALUE_LENGTH} characters`);
  }
  return value;
}

function wholeNumber(param: string, value: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new SearchQueryError(`${param} is an int field: ${value} is not a whole number`);
  }
  return String(value);
}

function decimal(param: string, value: number): string {
  if (!Number.isFinite(value)) throw new SearchQueryError(`${param} needs a finite number, got ${value}`);
  return String(value);
}

/** A valid calendar date-time in years 0000-9999 (no Feb 30, no hour 24). */
function isValidIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const day = new Date(0);
  day.setUTCFullYear(y, mo - 1, d);
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return false;
  if (h > 23 || mi > 59 || s > 59) return false;
  const instant = Date.parse(text);
  if (Number.isNaN(instant)) return false;
  const year = new Date(instant).getUTCFullYear();
  return year >= 0 && year <= 9999;
}

function dateText(param: string, value: Date | string): string {
  if (value instanceof Date) {
    const ms = value.getTime();
    const year = value.getUTCFullYear();
    if (Number.isNaN(ms) || year < 0 || year > 9999) {
      throw new SearchQueryError(`${param} needs a date in the years 0000-9999, got ${String(value)}`);
    }
    // Whole seconds, as origo compares dates.
    return `${value.toISOString().slice(0, 19)}Z`;
  }
  if (!isValidIsoDate(value)) {
    throw new SearchQueryError(
      `${param} needs dates like 2017-01-01T00:00:00Z or 2017-01-01T02:00:00+02:00, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A coordinate as origo reads it: at most 15 decimals, never an exponent. */
function coordinate(value: number): string {
  const text = String(value);
  if (/^-?\d{1,3}(\.\d{1,15})?$/.test(text)) return text;
  return value.toFixed(15).replace(/0+$/, '').replace(/\.$/, '');
}

function latLonText(param: string, value: LatLon): string {
  const { lat, lon } = value;
  if (!(Number.isFinite(lat) && lat >= -90 && lat <= 90 && Number.isFinite(lon) && lon >= -180 && lon <= 180)) {
    throw new SearchQueryError(`${param} needs latitude -90..90 and longitude -180..180, got ${lat},${lon}`);
  }
  return `${coordinate(lat)},${coordinate(lon)}`;
}

/** A bound of a range as text (a string bound always quoted: bare bounds are trimmed and end at a comma). */
function boundText(param: string, kind: RangeKind, value: unknown): string {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw new SearchQueryError(`${param} needs string bounds`);
      return quote(value);
    case 'int':
      if (typeof value !== 'number') throw new SearchQueryError(`${param} needs number bounds`);
      return wholeNumber(param, value);
    case 'double':
      if (typeof value !== 'number') throw new SearchQueryError(`${param} needs number bounds`);
      return decimal(param, value);
    case 'date':
      if (!(value instanceof Date) && typeof value !== 'string')
        throw new SearchQueryError(`${param} needs date bounds`);
      return dateText(param, value);
  }
}

/** `field=value` equality, in the form the field's kind takes. */
export function equalValue<K extends FieldKind>(param: string, kind: K, value: FieldValues[K]): string {
  const text = ((): string => {
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') throw new SearchQueryError(`${param} needs a string`);
        return needsQuotes(value) ? quote(value) : value;
      case 'text': {
        if (typeof value !== 'string') throw new SearchQueryError(`${param} needs a string`);
        const found = words(value);
        if (found.length === 0)
          throw new SearchQueryError(`${param} has no words to search for in ${JSON.stringify(value)}`);
        if (found.length > MAX_WORDS) throw new SearchQueryError(`${param} has more than ${MAX_WORDS} words`);
        return needsQuotes(value) ? quote(value) : value;
      }
      case 'int':
        if (typeof value !== 'number') throw new SearchQueryError(`${param} needs a number`);
        return wholeNumber(param, value);
      case 'double':
        if (typeof value !== 'number') throw new SearchQueryError(`${param} needs a number`);
        return decimal(param, value);
      case 'date':
        if (!(value instanceof Date) && typeof value !== 'string') throw new SearchQueryError(`${param} needs a date`);
        return dateText(param, value);
      case 'latlon': {
        if (typeof value !== 'object' || value === null || !('lat' in value) || !('lon' in value)) {
          throw new SearchQueryError(`${param} needs {lat, lon}`);
        }
        return latLonText(param, value);
      }
    }
    throw new SearchQueryError(`${param} has an unknown kind ${String(kind)}`);
  })();
  return checkLength(param, text);
}

/**
 * The string just after every string that starts with `prefix`, in code
 * point order (which origo compares by): the prefix with its last code point
 * raised by one. Undefined when no such string exists (only U+10FFFF).
 */
function afterPrefix(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()?.codePointAt(0) ?? 0;
    if (last < 0x10ffff) {
      // Skip the surrogate block: it holds no characters.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** `v*`: values that start with `prefix`; `*` alone: the field is present. */
export function prefixValue(param: string, kind: 'string' | 'text', prefix: string): string {
  if (kind === 'text') {
    if (words(prefix).length > MAX_WORDS) throw new SearchQueryError(`${param} has more than ${MAX_WORDS} words`);
    // A leading space is not a word character, so the words stay the same
    // while the value no longer reads as a quoted value or a range.
    return checkLength(param, `${/^['[{]/.test(prefix) ? ' ' : ''}${prefix}*`);
  }
  if (!/^['[{]/.test(prefix)) return checkLength(param, `${prefix}*`);
  // A prefix that starts like a quoted value or a range cannot be written as
  // `v*`; the strings that start with it are exactly a half-open range.
  const upper = afterPrefix(prefix);
  return checkLength(param, `[${quote(prefix)},${upper === undefined ? '' : quote(upper)}}`);
}

export function rangeValue<K extends RangeKind>(param: string, kind: K, range: Range<FieldValues[K]>): string {
  const loose: { gte?: unknown; gt?: unknown; lte?: unknown; lt?: unknown } = range;
  const { gte, gt, lte, lt } = loose;
  if (gte !== undefined && gt !== undefined) throw new SearchQueryError(`${param}: a range takes gte or gt, not both`);
  if (lte !== undefined && lt !== undefined) throw new SearchQueryError(`${param}: a range takes lte or lt, not both`);
  const lower = gte ?? gt;
  const upper = lte ?? lt;
  if (lower === undefined && upper === undefined) throw new SearchQueryError(`${param}: a range needs a bound`);
  const open = gte !== undefined ? '[' : '{';
  const close = lte !== undefined ? ']' : '}';
  const min = lower === undefined ? '' : boundText(param, kind, lower);
  const max = upper === undefined ? '' : boundText(param, kind, upper);
  return checkLength(param, `${open}${min},${max}${close}`);
}
