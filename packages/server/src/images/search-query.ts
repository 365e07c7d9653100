// Search on GET /sourceimages/{org} (issue 4): the pure parser from the
// form-decoded query string to a typed Search, and the opaque keyset cursor.
// No I/O here. Every refusal is a 400 whose message names the parameter at
// fault (JSON-quoted), so a client can tell which of its filters to fix.
// docs/reference/search.md is the user-facing description of this grammar.

import { createHash } from 'node:crypto';
import { OrigoError } from '../errors.ts';
import { DYNAMIC_NAMES } from './dynamic-metadata.ts';
import { isFullHash } from './hash.ts';
import { FIELD_NAME, isoDateMs, isUserType, textTokens, USER_TYPES, type UserType } from './user-metadata.ts';

// ---------------------------------------------------------------------------
// The Search AST

/** Columns of the images table a filter or sort may name. */
export type ImageColumn =
  | 'hash'
  | 'short_hash'
  | 'binary_hash'
  | 'mimetype'
  | 'format'
  | 'name'
  | 'size'
  | 'width'
  | 'height'
  | 'created'
  | 'deleted_at';

/**
 * What a filter compares. `user` fields live in the user_fields table and
 * `terms` (tokenized name, dynamic and static metadata) in search_terms; both
 * keep a value as text in `str` or as a number (dates: epoch ms) in `num`.
 */
export type Field =
  | { source: 'image'; column: ImageColumn }
  | { source: 'user'; name: string; type: UserType; column: 'str' | 'num' }
  | { source: 'terms'; name: string; column: 'str' | 'num' };

export interface Bound {
  value: string | number;
  inclusive: boolean;
}

/**
 * A normalized condition. Dates are ranges of epoch milliseconds with an
 * inclusive minimum and an exclusive maximum, whole seconds wide (an
 * equality on a date matches that whole second). `prefix` with an empty
 * value means "the field is present". `tokens`: every token must be a token
 * of the field; with `prefix` the last one is a prefix (no tokens + prefix =
 * present).
 */
export type Condition =
  | { op: 'eq'; value: string | number }
  | { op: 'prefix'; value: string }
  | { op: 'range'; min?: Bound; max?: Bound }
  | { op: 'tokens'; tokens: string[]; prefix: boolean };

export interface Filter {
  /** The query parameter as given, for messages. */
  param: string;
  field: Field;
  condition: Condition;
  /** True when one image may hold several values of the field (arrays, tokens, nested metadata). */
  multiValued: boolean;
}

export type SortField =
  | { source: 'image'; column: Exclude<ImageColumn, 'deleted_at'> }
  | { source: 'user'; name: string; type: 'str' | 'int' | 'double' | 'date'; column: 'str' | 'num' };

export interface SortKey {
  field: SortField;
  direction: 'asc' | 'desc';
}

export interface FacetRequest {
  /** The key as requested; the response is keyed by it. */
  key: string;
  name: string;
  type: 'str' | 'array';
}

/** Where a keyset page starts: the sort values and hash of the previous page's last row. */
export interface SortPosition {
  values: (string | number | null)[];
  hash: string;
}

export interface Search {
  filters: Filter[];
  operator: 'and' | 'or';
  /** Sort keys as asked; `hash asc` is appended as the tie-break unless hash is a key. */
  sort: SortKey[];
  facets: FacetRequest[];
  deleted: boolean;
  limit: number;
  /** A numeric offset, when one was sent. */
  offset?: number;
  /** The decoded cursor, when one was sent. */
  after?: SortPosition;
  /** The cursor as sent. */
  cursor?: string;
}

export interface ListingRequest {
  search: Search;
  /** `binaryHash=` lookups keep their own path (no filters, sort or facets). */
  binaryHash?: string;
}

// ---------------------------------------------------------------------------
// Limits

export const MAX_LIMIT = 2000;
export const DEFAULT_LIMIT = 100;
export const MAX_OFFSET_WINDOW = 10_000;
export const MAX_FACET_VALUES = 1000;
const MAX_SORT_KEYS = 8;
const MAX_FACETS = 10;
const MAX_FILTERS = 50;
const MAX_VALUE_LENGTH = 1024;
const MAX_TOKENS = 32;
const MAX_CURSOR_LENGTH = 8192;

const RESERVED_PARAMS = ['limit', 'offset', 'sort', 'facets', 'deleted', 'operator', 'binaryHash'] as const;
const RESERVED = new Set<string>(RESERVED_PARAMS);

const DEFAULT_SORT: SortKey[] = [{ field: { source: 'image', column: 'created' }, direction: 'desc' }];

/** Static metadata groups that are indexed for search (xmp, a raw XML packet, is not). */
export const STATIC_GROUPS = ['exif', 'iptc', 'icc'] as const;

// ---------------------------------------------------------------------------
// Errors

export type Query = Record<string, string | string[] | undefined>;

function searchError(param: string, message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_SEARCH_BAD_PARAMETER', `${JSON.stringify(param)} ${message}`);
}

function requestError(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REQUEST_BAD_PARAMETER', message);
}

function single(query: Query, name: string, code: 'request' | 'search'): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) {
    if (code === 'request') throw requestError(`Query parameter ${name} is given more than once`);
    throw searchError(name, 'is given more than once');
  }
  return value;
}

// ---------------------------------------------------------------------------
// Paging and flags

/** A query parameter given at most once (400 when repeated). */
export function queryParam(query: Query, name: string): string | undefined {
  return single(query, name, 'request');
}

/** A true/false query parameter; absent is false. */
export function booleanParam(query: Query, name: string): boolean {
  return parseBoolean(name, queryParam(query, name));
}

export function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0' || lower === '') return false;
  throw requestError(`Query parameter ${name} must be true or false, got ${JSON.stringify(value)}`);
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_LIMIT;
  if (!/^\d{1,5}$/.test(value) || Number(value) > MAX_LIMIT) {
    throw requestError(`limit must be a whole number from 0 to ${MAX_LIMIT}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

// ---------------------------------------------------------------------------
// Field names

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
    throw searchError(param, `has an unknown type ${JSON.stringify(typeText)}; user field types are ${USER_TYPES.join(', ')}`);
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
    throw searchError(param, `is not a ${scope} metadata field: use ${scope}:<type>:<group>:<field>, e.g. ${scope === 'dynamic' ? 'dynamic:str:version:text' : 'static:str:exif:Make'}`);
  }
  const type = rest.slice(0, first);
  const group = rest.slice(first + 1, second);
  const path = rest.slice(second + 1);
  if (!(META_TYPES as readonly string[]).includes(type)) {
    throw searchError(param, `has an unknown type ${JSON.stringify(type)}; ${scope} metadata types are ${META_TYPES.join(', ')}`);
  }
  const groups: readonly string[] = scope === 'dynamic' ? DYNAMIC_NAMES : STATIC_GROUPS;
  if (!groups.includes(group)) {
    throw searchError(param, `names an unknown ${scope} metadata group ${JSON.stringify(group)}; searchable groups are ${groups.join(', ')}`);
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
  if (param === 'name_text') return { field: { source: 'terms', name: 't:name', column: 'str' }, domain: 'tokens', multiValued: true };
  if (param.startsWith('user:')) return resolveUserField(param, param.slice(5));
  if (param.startsWith('dynamic:')) return resolveMetaField(param, 'dynamic', param.slice(8));
  if (param.startsWith('static:')) return resolveMetaField(param, 'static', param.slice(7));
  throw searchError(param, `is not a known parameter or search field; ${FIELD_HELP}; other parameters are ${RESERVED_PARAMS.join(', ')}`);
}

// ---------------------------------------------------------------------------
// Values

type RawBound = { text: string; quoted: boolean };
type RawValue =
  | { kind: 'eq'; text: string; quoted: boolean }
  | { kind: 'prefix'; text: string }
  | { kind: 'range'; min?: RawBound; minInclusive: boolean; max?: RawBound; maxInclusive: boolean };

const RANGE_HELP = "a range is [a,b] (inclusive), {a,b} (exclusive), mixed [a,b} or {a,b], open-ended [a,} or {,b]; quote bounds with ' when they hold a comma";

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
      throw searchError(param, `has an unterminated quoted value ${JSON.stringify(raw)}: quote the whole value as '…' and double quotes inside it ('')`);
    }
    return { kind: 'eq', text: quoted.value, quoted: true };
  }
  if (first === '[' || first === '{') return parseRange(param, raw);
  if (raw.endsWith('*')) return { kind: 'prefix', text: raw.slice(0, -1) };
  if (raw === '') throw searchError(param, "has no value; give a value, v* for a prefix, a range, or '' for the empty string");
  return { kind: 'eq', text: raw, quoted: false };
}

function parseRange(param: string, raw: string): RawValue {
  const bad = (why: string) => searchError(param, `has a malformed range ${JSON.stringify(raw)}: ${why}; ${RANGE_HELP}`);
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
  if (inner[lower.end] !== ',') throw bad(lower.end >= inner.length ? 'it needs two bounds separated by a comma' : 'unexpected text after a quoted bound');
  const upper = bound(lower.end + 1);
  if (upper.end !== inner.length) throw bad(inner[upper.end] === ',' ? 'it has more than two bounds' : 'unexpected text after a quoted bound');
  if (!lower.bound && !upper.bound) throw bad('at least one bound is needed');
  return { kind: 'range', min: lower.bound, minInclusive: raw[0] === '[', max: upper.bound, maxInclusive: last === ']' };
}

const INT = /^[+-]?\d{1,16}$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;

function parseWhole(param: string, text: string): number {
  const n = Number(text);
  if (!INT.test(text) || !Number.isSafeInteger(n)) throw searchError(param, `needs whole numbers, got ${JSON.stringify(text)}`);
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
    throw searchError(param, `needs dates like 2017-01-01T00:00:00Z or 2017-01-01T02:00:00+02:00, got ${JSON.stringify(text)}`);
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
      if (raw.kind === 'prefix') throw searchError(param, 'is a number field: a trailing * (prefix) works on text fields only; use a range such as [1,10]');
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
      if (raw.kind === 'prefix') throw searchError(param, "is a date field: a trailing * (prefix) works on text fields only; use a range such as ['2017-01-01T00:00:00Z',}");
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
      if (raw.kind === 'range') throw searchError(param, 'is a text field: ranges are not supported; search words, with * after the last one for a prefix');
      const tokens = textTokens(raw.text);
      const prefix = raw.kind === 'prefix';
      if (tokens.length === 0 && !prefix) throw searchError(param, `has no words to search for in ${JSON.stringify(raw.text)}`);
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

// ---------------------------------------------------------------------------
// Sort and facets

const SORT_COLUMNS: ReadonlyMap<string, Exclude<ImageColumn, 'deleted_at'>> = new Map([
  ['hash', 'hash'],
  ['short_hash', 'short_hash'],
  ['binaryhash', 'binary_hash'],
  ['mimetype', 'mimetype'],
  ['format', 'format'],
  ['name', 'name'],
  ['size', 'size'],
  ['width', 'width'],
  ['height', 'height'],
  ['created', 'created'],
] satisfies [string, Exclude<ImageColumn, 'deleted_at'>][]);
const SORTABLE_USER_TYPES = ['str', 'int', 'double', 'date'] as const;

function sortFieldOf(name: string): SortField {
  const column = SORT_COLUMNS.get(name);
  if (column) return { source: 'image', column };
  if (name.startsWith('user:')) {
    const parts = name.split(':');
    if (parts.length !== 3) {
      throw searchError('sort', `cannot sort by ${JSON.stringify(name)}: name user fields with their type, as user:<type>:<name> (${SORTABLE_USER_TYPES.join(', ')})`);
    }
    const [, type, field] = parts as [string, string, string];
    if (!(SORTABLE_USER_TYPES as readonly string[]).includes(type)) {
      throw searchError('sort', `cannot sort by ${JSON.stringify(name)}: user fields of type ${SORTABLE_USER_TYPES.join(', ')} are sortable`);
    }
    if (!FIELD_NAME.test(field)) throw searchError('sort', `cannot sort by ${JSON.stringify(name)}: invalid field name`);
    const t = type as (typeof SORTABLE_USER_TYPES)[number];
    return { source: 'user', name: field, type: t, column: t === 'str' ? 'str' : 'num' };
  }
  throw searchError('sort', `cannot sort by ${JSON.stringify(name)}; sortable are ${[...SORT_COLUMNS.keys()].join(', ')} and user:<type>:<name>`);
}

function sortIdentity(field: SortField): string {
  return field.source === 'image' ? field.column : `user:${field.name}`;
}

export function parseSort(value: string | undefined): SortKey[] {
  if (value === undefined || value.trim() === '') return DEFAULT_SORT;
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  for (const item of value.split(',')) {
    // Spaces arrive as '+' or %20, both decoded to ' '; a literal '+' is taken as a space too.
    const words = item.trim().split(/[\s+]+/).filter((w) => w !== '');
    if (words.length === 0) throw searchError('sort', `has an empty sort key in ${JSON.stringify(value)}`);
    if (words.length > 2) throw searchError('sort', `has ${JSON.stringify(item.trim())}: a sort key is a field and an optional asc or desc`);
    const direction = (words[1] ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      throw searchError('sort', `has the direction ${JSON.stringify(words[1])}; use asc or desc`);
    }
    const field = sortFieldOf(words[0]!);
    const identity = sortIdentity(field);
    if (seen.has(identity)) throw searchError('sort', `names ${JSON.stringify(words[0])} twice`);
    seen.add(identity);
    keys.push({ field, direction });
  }
  if (keys.length > MAX_SORT_KEYS) throw searchError('sort', `has more than ${MAX_SORT_KEYS} keys`);
  return keys;
}

export function parseFacets(value: string | undefined): FacetRequest[] {
  if (value === undefined || value.trim() === '') return [];
  const facets: FacetRequest[] = [];
  for (const item of value.split(',')) {
    const key = item.trim();
    const parts = key.split(':');
    const ok = parts[0] === 'user' && (parts.length === 2 || parts.length === 3);
    if (!ok) throw searchError('facets', `cannot count ${JSON.stringify(key)}: facets are user fields of type str or array, as user:<name>, user:str:<name> or user:array:<name>`);
    const type = parts.length === 3 ? parts[1]! : 'str';
    const name = parts[parts.length - 1]!;
    if (type !== 'str' && type !== 'array') {
      throw searchError('facets', `cannot count ${JSON.stringify(key)}: facets are counted for str and array fields only, not ${type}`);
    }
    if (!FIELD_NAME.test(name)) throw searchError('facets', `cannot count ${JSON.stringify(key)}: invalid field name`);
    if (facets.some((f) => f.key === key)) throw searchError('facets', `names ${JSON.stringify(key)} twice`);
    facets.push({ key, name, type });
  }
  if (facets.length > MAX_FACETS) throw searchError('facets', `names more than ${MAX_FACETS} fields`);
  return facets;
}

// ---------------------------------------------------------------------------
// Cursor

interface CursorBody {
  v: 2;
  /** 1 for a deleted=true listing. */
  d: 0 | 1;
  /** Fingerprint of filters, operator, sort and deleted. */
  f: string;
  /** Sort values of the last row (absent: the start). */
  k?: (string | number | null)[];
  /** Hash of the last row. */
  h?: string;
}

/** Identifies a listing: a cursor is only valid for the listing it came from. */
export function fingerprint(search: Pick<Search, 'filters' | 'operator' | 'sort' | 'deleted'>): string {
  const filters = search.filters.map((f) => JSON.stringify([f.field, f.condition])).sort();
  const canonical = JSON.stringify({ f: filters, o: search.operator, s: search.sort, d: search.deleted });
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(search: Search, position: SortPosition | undefined): string {
  const body: CursorBody = { v: 2, d: search.deleted ? 1 : 0, f: fingerprint(search) };
  if (position) {
    body.k = position.values;
    body.h = position.hash;
  }
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function valueFits(field: SortField, value: unknown): boolean {
  const numeric = field.source === 'image' ? ['size', 'width', 'height', 'created'].includes(field.column) : field.column === 'num';
  if (value === null) return field.source === 'user';
  return numeric ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
}

export function decodeCursor(search: Omit<Search, 'after' | 'cursor'>, text: string): SortPosition | undefined {
  const bad = (why: string) => requestError(`offset ${JSON.stringify(text)} is not a cursor of this listing: ${why}`);
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw bad('it cannot be decoded');
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw bad('it cannot be decoded');
  }
  if (typeof body !== 'object' || body === null || body.v !== 2 || (body.d !== 0 && body.d !== 1) || typeof body.f !== 'string') {
    throw bad('it cannot be decoded');
  }
  if ((body.d === 1) !== search.deleted) throw bad('it was made for a listing with a different deleted= value');
  if (body.f !== fingerprint(search)) throw bad('it was made for a listing with different filters, sort or operator');
  if (body.k === undefined && body.h === undefined) return undefined;
  const { k, h } = body;
  if (
    !Array.isArray(k) ||
    k.length !== search.sort.length ||
    !k.every((value, i) => valueFits(search.sort[i]!.field, value)) ||
    typeof h !== 'string' ||
    !isFullHash(h)
  ) {
    throw bad('it cannot be decoded');
  }
  return { values: k, hash: h };
}

// ---------------------------------------------------------------------------
// The whole query string

export function parseListingQuery(query: Query): ListingRequest {
  const limit = parseLimit(single(query, 'limit', 'request'));
  const offsetText = single(query, 'offset', 'request');
  const deleted = parseBoolean('deleted', single(query, 'deleted', 'request'));
  const binaryHash = single(query, 'binaryHash', 'request');
  const sortText = single(query, 'sort', 'search');
  const facetsText = single(query, 'facets', 'search');
  const operatorText = single(query, 'operator', 'search');

  const offset = offsetText !== undefined && /^\d+$/.test(offsetText) ? Number(offsetText) : undefined;
  if (offset !== undefined && offset + limit > MAX_OFFSET_WINDOW) {
    throw requestError(
      `offset + limit must not exceed ${MAX_OFFSET_WINDOW}; page further with the cursor (pass the response's cursor as offset)`,
    );
  }

  let operator: 'and' | 'or' = 'and';
  if (operatorText !== undefined && operatorText !== '') {
    const lower = operatorText.toLowerCase();
    if (lower !== 'and' && lower !== 'or') throw searchError('operator', `must be and or or, got ${JSON.stringify(operatorText)}`);
    operator = lower;
  }

  const filters: Filter[] = [];
  for (const [param, value] of Object.entries(query)) {
    if (RESERVED.has(param) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) filters.push(parseFilter(param, v));
  }
  if (filters.length > MAX_FILTERS) throw searchError(filters[MAX_FILTERS]!.param, `is one filter too many: at most ${MAX_FILTERS} filters`);
  const sort = parseSort(sortText);
  const facets = parseFacets(facetsText);

  const base = { filters, operator, sort, facets, deleted, limit, ...(offset !== undefined ? { offset } : {}) };
  if (binaryHash !== undefined) {
    const extra = filters[0]?.param ?? (sortText !== undefined ? 'sort' : facetsText !== undefined ? 'facets' : operatorText !== undefined ? 'operator' : undefined);
    if (extra !== undefined) {
      throw searchError(extra, 'cannot be combined with binaryHash; search with the binaryhash= filter instead');
    }
    return { search: base, binaryHash };
  }
  const cursor = offsetText !== undefined && offset === undefined && offsetText !== '' ? offsetText : undefined;
  if (cursor === undefined) return { search: base };
  return { search: { ...base, after: decodeCursor(base, cursor), cursor } };
}

// ---------------------------------------------------------------------------
// Helpers for the SQL side

/**
 * The least string greater than every string starting with `prefix`, in
 * code point (= UTF-8 byte, = SQLite BINARY) order; undefined when none.
 * `col >= prefix AND col < upper` then selects exactly that prefix, from an
 * index, with no LIKE and no escaping.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last === 0xd800) last = 0xe000; // skip the surrogate range
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return undefined;
}
