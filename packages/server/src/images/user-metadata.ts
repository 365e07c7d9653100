// User metadata (spec §3): typed fields named `[prefix:]name`. A field is
// identified by its bare name, so writing `int:foo` replaces a `foo` of
// another type. Values are validated and normalized per type; keys come back
// with their prefix, except plain strings. Untrusted keys are only ever
// handled through Maps and Object.fromEntries, never by assignment, so names
// such as `__proto__` stay plain data.

import { OrigoError } from '../errors.ts';
import { isPlainObject } from '../json.ts';

export const USER_TYPES = ['str', 'text', 'int', 'double', 'date', 'latlon', 'array', 'array_text'] as const;
export type UserType = (typeof USER_TYPES)[number];

export type UserValue = string | number | string[];

export interface UserField {
  name: string;
  type: UserType;
  value: UserValue;
}

/** One row of the typed search index: one per scalar, array element or text token. */
interface UserFieldRow {
  name: string;
  type: UserType;
  seq: number;
  str: string | null;
  num: number | null;
}

/** A field's bare name. */
export const FIELD_NAME = /^[a-z0-9_]{1,54}$/;
const MAX_STRING_BYTES = 32_766;
const MAX_ARRAY_ITEMS = 1000;
const MAX_FIELDS = 1000;

function bad(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', message);
}

export function isUserType(value: string): value is UserType {
  return (USER_TYPES as readonly string[]).includes(value);
}

/** Splits `int:rank` into its type and bare name, refusing anything else. */
export function parseFieldKey(key: string): { name: string; type: UserType; typed: boolean } {
  const colon = key.indexOf(':');
  const prefix = colon === -1 ? undefined : key.slice(0, colon);
  const name = colon === -1 ? key : key.slice(colon + 1);
  if (prefix !== undefined && !isUserType(prefix)) {
    throw bad(
      `User metadata field ${JSON.stringify(key)} has an unknown type prefix "${prefix}"; use one of ${USER_TYPES.join(', ')}`,
    );
  }
  if (!FIELD_NAME.test(name)) {
    throw bad(
      `User metadata field name ${JSON.stringify(key)} is invalid: names are 1 to 54 characters of a-z, 0-9 and _ (optionally after a type prefix such as int:)`,
    );
  }
  return { name, type: prefix ?? 'str', typed: prefix !== undefined };
}

/** The key a field is shown under: plain strings without prefix, every other type with it. */
export function outputKey(field: { name: string; type: UserType }): string {
  return field.type === 'str' ? field.name : `${field.type}:${field.name}`;
}

function stringValue(key: string, value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' && Number.isFinite(value)) s = String(value);
  else if (typeof value === 'boolean') s = value ? 'true' : 'false';
  else throw bad(`User metadata field ${JSON.stringify(key)} must be a string, got ${describe(value)}`);
  if (Buffer.byteLength(s, 'utf8') > MAX_STRING_BYTES) {
    throw bad(`User metadata field ${JSON.stringify(key)} is longer than ${MAX_STRING_BYTES} bytes`);
  }
  return s;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function intValue(key: string, value: unknown): number {
  let n: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && /^[+-]?\d{1,20}$/.test(value.trim())) n = Number(value.trim());
  if (n === undefined || !Number.isSafeInteger(n)) {
    throw bad(
      `User metadata field ${JSON.stringify(key)} must be a whole number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${describe(value)}`,
    );
  }
  return n;
}

function doubleValue(key: string, value: unknown): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()))
    n = Number(value.trim());
  if (n === undefined || !Number.isFinite(n)) {
    throw bad(`User metadata field ${JSON.stringify(key)} must be a number, got ${describe(value)}`);
  }
  return n;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant of a strict ISO-8601 date-time (`2024-05-31T12:00:00Z`, an
 * optional fraction, Z or ±hh:mm), in epoch ms cut to the second; undefined
 * for anything else, impossible dates (Feb 30) and instants outside years
 * 0000-9999. Shared by stored dates and search ranges.
 */
export function isoDateMs(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  // Reject impossible dates (Feb 30) that Date would roll over. setUTCFullYear,
  // unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const local = new Date(0);
  local.setUTCFullYear(y!, mo! - 1, d!);
  if (
    local.getUTCFullYear() !== y ||
    local.getUTCMonth() !== mo! - 1 ||
    local.getUTCDate() !== d ||
    h! > 23 ||
    mi! > 59 ||
    s! > 59
  ) {
    return undefined;
  }
  const ms = Date.parse(text.trim());
  if (Number.isNaN(ms)) return undefined;
  // An offset can move the instant out of years 0000-9999, which the YYYY format cannot show.
  const year = new Date(ms).getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  return Math.floor(ms / 1000) * 1000;
}

/** A strict ISO-8601 date-time, normalized to `YYYY-MM-DDTHH:MM:SSZ` (UTC). */
export function normalizeDate(key: string, value: unknown): string {
  const ms = typeof value === 'string' ? isoDateMs(value) : undefined;
  if (ms === undefined) {
    throw bad(
      `User metadata field ${JSON.stringify(key)} must be a date like 2024-05-31T12:00:00Z, got ${describe(value)}`,
    );
  }
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function latlonValue(key: string, value: unknown): string {
  const m = typeof value === 'string' ? /^\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*$/.exec(value) : null;
  const lat = m ? Number(m[1]) : Number.NaN;
  const lon = m ? Number(m[2]) : Number.NaN;
  if (!m || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
    throw bad(
      `User metadata field ${JSON.stringify(key)} must be "latitude,longitude" with latitude -90..90 and longitude -180..180, got ${describe(value)}`,
    );
  }
  return `${lat},${lon}`;
}

function arrayValue(key: string, value: unknown): string[] {
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items))
    throw bad(`User metadata field ${JSON.stringify(key)} must be an array of strings, got ${describe(value)}`);
  if (items.length > MAX_ARRAY_ITEMS) {
    throw bad(`User metadata field ${JSON.stringify(key)} has more than ${MAX_ARRAY_ITEMS} elements`);
  }
  return items.map((item) => {
    if (item !== null && typeof item === 'object') {
      throw bad(`User metadata field ${JSON.stringify(key)} must be an array of strings, not of objects or arrays`);
    }
    return stringValue(key, item);
  });
}

/** Validates and normalizes a value for a key; `null` is handled by the callers (it means delete). */
export function parseField(key: string, value: unknown): UserField {
  const { name, type } = parseFieldKey(key);
  switch (type) {
    case 'str':
    case 'text':
      return { name, type, value: stringValue(key, value) };
    case 'int':
      return { name, type, value: intValue(key, value) };
    case 'double':
      return { name, type, value: doubleValue(key, value) };
    case 'date':
      return { name, type, value: normalizeDate(key, value) };
    case 'latlon':
      return { name, type, value: latlonValue(key, value) };
    case 'array':
    case 'array_text':
      return { name, type, value: arrayValue(key, value) };
  }
}

/** Stored metadata (keys as shown) as a Map keyed by bare name. */
function fieldsOf(metadata: Record<string, unknown>): Map<string, UserField> {
  const fields = new Map<string, UserField>();
  for (const [key, value] of Object.entries(metadata)) {
    const { name, type } = parseFieldKey(key);
    fields.set(name, { name, type, value: value as UserValue });
  }
  return fields;
}

function toMetadata(fields: Map<string, UserField>): Record<string, UserValue> {
  return Object.fromEntries([...fields.values()].map((f) => [outputKey(f), f.value]));
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body))
    throw bad('User metadata must be a JSON object of fields, e.g. {"title": "Beach", "int:rank": 3}');
  return body;
}

function checkCount(fields: Map<string, UserField>): void {
  if (fields.size > MAX_FIELDS) throw bad(`An image can have at most ${MAX_FIELDS} user metadata fields`);
}

/** PATCH semantics: listed fields are set, `null` deletes, others stay. All or nothing. */
export function mergeUserMetadata(current: Record<string, unknown>, body: unknown): Record<string, UserValue> {
  const changes = requireObject(body);
  const fields = fieldsOf(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) fields.delete(parseFieldKey(key).name);
    else {
      const field = parseField(key, value);
      fields.set(field.name, field);
    }
  }
  checkCount(fields);
  return toMetadata(fields);
}

/** PUT semantics: the body becomes the whole metadata; `null` values are not stored. */
export function replaceUserMetadata(body: unknown): Record<string, UserValue> {
  return mergeUserMetadata({}, body);
}

/** Sets (or with null, deletes) one field given by its path key (`name` or `type:name`). */
export function setUserField(current: Record<string, unknown>, key: string, value: unknown): Record<string, UserValue> {
  // fromEntries, not a literal with a computed key: a key "__proto__" stays data.
  return mergeUserMetadata(current, Object.fromEntries([[key, value]]));
}

/** Finds one field by its path key; a prefix, when given, must match the stored type. */
export function findUserField(current: Record<string, unknown>, key: string): UserField | undefined {
  const { name, type, typed } = parseFieldKey(key);
  const field = fieldsOf(current).get(name);
  if (!field || (typed && field.type !== type)) return undefined;
  return field;
}

/** Removes the field of that bare name whatever its stored type, as `{"int:foo": null}` in a PATCH does. */
export function removeUserField(current: Record<string, unknown>, key: string): Record<string, UserValue> {
  return setUserField(current, key, null);
}

/** Case-folded word tokens of a text value (the search approximation of rokka's full text). */
export function textTokens(text: string): string[] {
  return [
    ...new Set(
      text
        .toLowerCase()
        .normalize('NFKC')
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    ),
  ];
}

/**
 * The typed index rows of stored metadata: what search filters, sorts and
 * facets on. The catalog trusts that stored rows equal this function of the
 * stored JSON (it diffs new rows against indexRows of the old metadata), so a
 * change to what this returns needs a migration that rebuilds user_fields.
 */
export function indexRows(metadata: Record<string, unknown>): UserFieldRow[] {
  const rows: UserFieldRow[] = [];
  for (const field of fieldsOf(metadata).values()) {
    const { name, type, value } = field;
    switch (type) {
      case 'str':
        rows.push({ name, type, seq: 0, str: String(value), num: null });
        break;
      case 'int':
      case 'double':
        rows.push({ name, type, seq: 0, str: null, num: Number(value) });
        break;
      case 'date':
        rows.push({ name, type, seq: 0, str: String(value), num: Date.parse(String(value)) });
        break;
      case 'latlon':
        rows.push({ name, type, seq: 0, str: String(value), num: null });
        break;
      case 'text':
        textTokens(String(value)).forEach((token, seq) => {
          rows.push({ name, type, seq, str: token, num: null });
        });
        break;
      case 'array':
        [...new Set(value as string[])].forEach((item, seq) => {
          rows.push({ name, type, seq, str: item, num: null });
        });
        break;
      case 'array_text':
        [...new Set((value as string[]).flatMap(textTokens))].forEach((token, seq) => {
          rows.push({ name, type, seq, str: token, num: null });
        });
        break;
    }
  }
  return rows;
}
