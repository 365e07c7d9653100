// One search filter (`field=value`) of a listing: which field it names and
// how its value (text, prefix, range, words) is parsed and compared.

import { DYNAMIC_NAMES } from './dynamic-metadata.ts';
import {
  type Condition,
  type Field,
  type Filter,
  type ImageColumn,
  RESERVED_PARAMS,
  STATIC_GROUPS,
  searchError,
} from './search-query.ts';
import { FIELD_NAME, isoDateMs, isUserType, textTokens, USER_TYPES, type UserType } from './user-metadata.ts';

const MAX_VALUE_LENGTH = 1024;
const MAX_TOKENS = 32;

const META_FIELD = /^[A-Za-z0-9_.-]{1,128}$/;
const META_TYPES = ['str', 'text', 'int', 'double', 'date', 'array', 'array_text'] as const;

/** How a value of a field is parsed and compared. */
type Domain = 'string' | 'hex' | 'int' | 'double' | 'date' | 'latlon' | 'tokens';

interface ResolvedField {
  field: Field;
  domain: Domain;
  multiValued: boolean;
}

const IMAGE_FIELDS: ReadonlyMap<string, { column: ImageColumn; domain: Domain }> = new Map([
  ['hash', { column: 'hash', domain: 'hex' }],
  ['short_hash', { column: 'short_hash', domain: 'hex' }],
  ['binaryhash', { column: 'binary_hash', domain: 'hex' }],
  ['mimetype', { column: 'mimetype', domain: 'string' }],
  ['format', { column: 'format', domain: 'string' }],
  ['name', { column: 'name', domain: 'string' }],
  ['size', { column: 'size', domain: 'int' }],
  ['width', { column: 'width', domain: 'int' }],
  ['height', { column: 'height', domain: 'int' }],
  ['created', { column: 'created', domain: 'date' }],
  ['deletedDate', { column: 'deleted_at', domain: 'date' }],
] satisfies [string, { column: ImageColumn; domain: Domain }][]);

const FIELD_HELP =
  'filters are hash, short_hash, binaryhash, mimetype, format, name, name_text, size, width, height, created, deletedDate, user:[type:]name, dynamic:type:group:field or static:type:group:field';

function userDomain(type: UserType): { domain: Domain; column: 'str' | 'num'; multiValued: boolean } {
  switch (type) {
    case 'str':
      return { domain: 'string', column: 'str', multiValued: false };
    case 'array':
      return { domain: 'string', column: 'str', multiValued: true };
    case 'text':
    case 'array_text':
      return { domain: 'tokens', column: 'str', multiValued: true };
    case 'int':
      return { domain: 'int', column: 'num', multiValued: false };
    case 'double':
      return { domain: 'double', column: 'num', multiValued: false };
    case 'date':
      return { domain: 'date', column: 'num', multiValued: false };
    case 'latlon':
      return { domain: 'latlon', column: 'str', multiValued: false };
  }
}

function resolveUserField(param: string, rest: string): ResolvedField {
  const parts = rest.split(':');
  if (parts.length > 2) throw searchError(param, `is not a user field: use user:<name> or user:<type>:<name>`);
  const [typeText, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['str', parts[0]!];
  if (!isUserType(typeText)) {
    throw searchError(
      param,
      `has an unknown type ${JSON.stringify(typeText)}; user field types are ${USER_TYPES.join(', ')}`,
    );
  }
  if (!FIELD_NAME.test(name)) {
    throw searchError(param, 'has an invalid field name: user field names are 1 to 54 characters of a-z, 0-9 and _');
  }
  const { domain, column, multiValued } = userDomain(typeText);
  return { field: { source: 'user', name, type: typeText, column }, domain, multiValued };
}

function resolveMetaField(param: string, scope: 'dynamic' | 'static', rest: string): ResolvedField {
  const first = rest.indexOf(':');
  const second = first === -1 ? -1 : rest.indexOf(':', first + 1);
  if (first === -1 || second === -1) {
    throw searchError(
      param,
      `is not a ${scope} metadata field: use ${scope}:<type>:<group>:<field>, e.g. ${scope === 'dynamic' ? 'dynamic:str:version:text' : 'static:str:exif:Make'}`,
    );
  }
  const type = rest.slice(0, first);
  const group = rest.slice(first + 1, second);
  const path = rest.slice(second + 1);
  if (!(META_TYPES as readonly string[]).includes(type)) {
    throw searchError(
      param,
      `has an unknown type ${JSON.stringify(type)}; ${scope} metadata types are ${META_TYPES.join(', ')}`,
    );
  }
  const groups: readonly string[] = scope === 'dynamic' ? DYNAMIC_NAMES : STATIC_GROUPS;
  if (!groups.includes(group)) {
    throw searchError(
      param,
      `names an unknown ${scope} metadata group ${JSON.stringify(group)}; searchable groups are ${groups.join(', ')}`,
    );
  }
  if (!META_FIELD.test(path)) {
    throw searchError(param, 'has an invalid field: fields are 1 to 128 characters of A-Z, a-z, 0-9, _, . and -');
  }
  const base = `${scope}:${group}:${path}`;
  if (type === 'text' || type === 'array_text') {
    return { field: { source: 'terms', name: `t:${base}`, column: 'str' }, domain: 'tokens', multiValued: true };
  }
  if (type === 'int' || type === 'double' || type === 'date') {
    return { field: { source: 'terms', name: `v:${base}`, column: 'num' }, domain: type, multiValued: true };
  }
  return { field: { source: 'terms', name: `v:${base}`, column: 'str' }, domain: 'string', multiValued: true };
}

function resolveField(param: string): ResolvedField {
  const image = IMAGE_FIELDS.get(param);
  if (image) return { field: { source: 'image', column: image.column }, domain: image.domain, multiValued: false };
  if (param === 'name_text')
    return { field: { source: 'terms', name: 't:name', column: 'str' }, domain: 'tokens', multiValued: true };
  if (param.startsWith('user:')) return resolveUserField(param, param.slice(5));
  if (param.startsWith('dynamic:')) return resolveMetaField(param, 'dynamic', param.slice(8));
  if (param.startsWith('static:')) return resolveMetaField(param, 'static', param.slice(7));
  throw searchError(
    param,
    `is not a known parameter or search field; ${FIELD_HELP}; other parameters are ${RESERVED_PARAMS.join(', ')}`,
  );
}

type RawBound = { text: string; quoted: boolean };
type RawValue =
  | { kind: 'eq'; text: string; quoted: boolean }
  | { kind: 'prefix'; text: string }
  | { kind: 'range'; min?: RawBound; minInclusive: boolean; max?: RawBound; maxInclusive: boolean };

const RANGE_HELP =
  "a range is [a,b] (inclusive), {a,b} (exclusive), mixed [a,b} or {a,b], open-ended [a,} or {,b]; quote bounds with ' when they hold a comma";

/** A single-quoted string starting at `start`; '' inside stands for one quote. Returns the text and the index after the closing quote. */
function scanQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i++;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
  }
  return undefined;
}

function parseRawValue(param: string, raw: string): RawValue {
  if (raw.length > MAX_VALUE_LENGTH) throw searchError(param, `has a value longer than ${MAX_VALUE_LENGTH} characters`);
  const first = raw[0];
  if (first === "'") {
    const quoted = scanQuoted(raw, 0);
    if (!quoted || quoted.end !== raw.length) {
      throw searchError(
        param,
        `has an unterminated quoted value ${JSON.stringify(raw)}: quote the whole value as '…' and double quotes inside it ('')`,
      );
    }
    return { kind: 'eq', text: quoted.value, quoted: true };
  }
  if (first === '[' || first === '{') return parseRange(param, raw);
  if (raw.endsWith('*')) return { kind: 'prefix', text: raw.slice(0, -1) };
  if (raw === '')
    throw searchError(param, "has no value; give a value, v* for a prefix, a range, or '' for the empty string");
  return { kind: 'eq', text: raw, quoted: false };
}

function parseRange(param: string, raw: string): RawValue {
  const bad = (why: string) =>
    searchError(param, `has a malformed range ${JSON.stringify(raw)}: ${why}; ${RANGE_HELP}`);
  const last = raw[raw.length - 1];
  if (raw.length < 2 || (last !== ']' && last !== '}')) throw bad('it must end with ] or }');
  const inner = raw.slice(1, -1);
  const bound = (start: number): { bound?: RawBound; end: number } => {
    if (inner[start] === "'") {
      const quoted = scanQuoted(inner, start);
      if (!quoted) throw bad('a quoted bound is not closed');
      return { bound: { text: quoted.value, quoted: true }, end: quoted.end };
    }
    let end = inner.indexOf(',', start);
    if (end === -1) end = inner.length;
    const text = inner.slice(start, end).trim();
    return { bound: text === '' ? undefined : { text, quoted: false }, end };
  };
  const lower = bound(0);
  if (inner[lower.end] !== ',')
    throw bad(
      lower.end >= inner.length ? 'it needs two bounds separated by a comma' : 'unexpected text after a quoted bound',
    );
  const upper = bound(lower.end + 1);
  if (upper.end !== inner.length)
    throw bad(inner[upper.end] === ',' ? 'it has more than two bounds' : 'unexpected text after a quoted bound');
  if (!lower.bound && !upper.bound) throw bad('at least one bound is needed');
  return {
    kind: 'range',
    min: lower.bound,
    minInclusive: raw[0] === '[',
    max: upper.bound,
    maxInclusive: last === ']',
  };
}

const INT = /^[+-]?\d{1,16}$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;

function parseWhole(param: string, text: string): number {
  const n = Number(text);
  if (!INT.test(text) || !Number.isSafeInteger(n))
    throw searchError(param, `needs whole numbers, got ${JSON.stringify(text)}`);
  return n;
}

function parseDouble(param: string, text: string): number {
  const n = Number(text);
  if (!DOUBLE.test(text) || !Number.isFinite(n)) throw searchError(param, `needs numbers, got ${JSON.stringify(text)}`);
  return n;
}

/** Epoch ms of a strict ISO date-time, truncated to the second. A space before the offset is taken for a form-decoded '+'. */
function parseDate(param: string, text: string): number {
  const ms = isoDateMs(text.replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (ms === undefined) {
    throw searchError(
      param,
      `needs dates like 2017-01-01T00:00:00Z or 2017-01-01T02:00:00+02:00, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

function parseLatlon(param: string, text: string): string {
  const m = /^\s*([+-]?\d{1,3}(?:\.\d{1,15})?)\s*,\s*([+-]?\d{1,3}(?:\.\d{1,15})?)\s*$/.exec(text);
  const lat = m ? Number(m[1]) : Number.NaN;
  const lon = m ? Number(m[2]) : Number.NaN;
  if (!m || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
    throw searchError(param, `needs "latitude,longitude" (-90..90, -180..180), got ${JSON.stringify(text)}`);
  }
  return `${lat},${lon}`;
}

const SECOND = 1000;

function typedCondition(param: string, domain: Domain, raw: RawValue): Condition {
  switch (domain) {
    case 'string':
    case 'hex': {
      const norm = (t: string) => (domain === 'hex' ? t.toLowerCase() : t);
      if (raw.kind === 'eq') return { op: 'eq', value: norm(raw.text) };
      if (raw.kind === 'prefix') return { op: 'prefix', value: norm(raw.text) };
      return {
        op: 'range',
        min: raw.min && { value: norm(raw.min.text), inclusive: raw.minInclusive },
        max: raw.max && { value: norm(raw.max.text), inclusive: raw.maxInclusive },
      };
    }
    case 'int':
    case 'double': {
      const num = (t: string) => (domain === 'int' ? parseWhole(param, t.trim()) : parseDouble(param, t.trim()));
      if (raw.kind === 'prefix')
        throw searchError(
          param,
          'is a number field: a trailing * (prefix) works on text fields only; use a range such as [1,10]',
        );
      if (raw.kind === 'eq') return { op: 'eq', value: num(raw.text) };
      return {
        op: 'range',
        min: raw.min && { value: num(raw.min.text), inclusive: raw.minInclusive },
        max: raw.max && { value: num(raw.max.text), inclusive: raw.maxInclusive },
      };
    }
    case 'date': {
      // Dates compare at whole seconds, as they are shown: every bound
      // becomes an inclusive minimum or an exclusive maximum.
      if (raw.kind === 'prefix')
        throw searchError(
          param,
          "is a date field: a trailing * (prefix) works on text fields only; use a range such as ['2017-01-01T00:00:00Z',}",
        );
      if (raw.kind === 'eq') {
        const t = parseDate(param, raw.text);
        return { op: 'range', min: { value: t, inclusive: true }, max: { value: t + SECOND, inclusive: false } };
      }
      const min = raw.min && parseDate(param, raw.min.text);
      const max = raw.max && parseDate(param, raw.max.text);
      return {
        op: 'range',
        min: min === undefined ? undefined : { value: raw.minInclusive ? min : min + SECOND, inclusive: true },
        max: max === undefined ? undefined : { value: raw.maxInclusive ? max + SECOND : max, inclusive: false },
      };
    }
    case 'latlon':
      if (raw.kind !== 'eq') throw searchError(param, 'is a latlon field: only equality ("lat,lon") is supported');
      return { op: 'eq', value: parseLatlon(param, raw.text) };
    case 'tokens': {
      if (raw.kind === 'range')
        throw searchError(
          param,
          'is a text field: ranges are not supported; search words, with * after the last one for a prefix',
        );
      const tokens = textTokens(raw.text);
      const prefix = raw.kind === 'prefix';
      if (tokens.length === 0 && !prefix)
        throw searchError(param, `has no words to search for in ${JSON.stringify(raw.text)}`);
      if (tokens.length > MAX_TOKENS) throw searchError(param, `has more than ${MAX_TOKENS} words`);
      return { op: 'tokens', tokens, prefix };
    }
  }
}

export function parseFilter(param: string, value: string): Filter {
  const { field, domain, multiValued } = resolveField(param);
  const condition = typedCondition(param, domain, parseRawValue(param, value));
  return { param, field, condition, multiValued };
}
