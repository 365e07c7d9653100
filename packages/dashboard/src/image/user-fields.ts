// User metadata as rows a person edits (a name, a type, a value as text),
// and the one PATCH that turns the stored fields into the edited ones: set
// what is new or changed, `null` for what was removed (docs/reference/user-metadata.md).

import type { UserMetadata, UserMetadataInput, UserMetadataValue } from 'origo-client';

/** The field types of docs/reference/user-metadata.md; `str` is written without a prefix. */
export const FIELD_TYPES = ['str', 'text', 'int', 'double', 'date', 'latlon', 'array', 'array_text'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  str: 'String',
  text: 'Full text',
  int: 'Integer',
  double: 'Number',
  date: 'Date',
  latlon: 'Location',
  array: 'List',
  array_text: 'List of texts',
};

export interface FieldRow {
  /** Stable across edits, for keys and for errors that point at a row. */
  id: string;
  name: string;
  type: FieldType;
  /** The value as typed: lists as comma-separated items. */
  value: string;
}

function isFieldType(value: string): value is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(value);
}

/** `int:rank` → int, rank; `title` → str, title. */
export function parseKey(key: string): { name: string; type: FieldType } {
  const colon = key.indexOf(':');
  const prefix = colon === -1 ? '' : key.slice(0, colon);
  return isFieldType(prefix) ? { name: key.slice(colon + 1), type: prefix } : { name: key, type: 'str' };
}

/** The key a field is stored under: plain strings bare, other types with their prefix. */
export function keyOf(row: Pick<FieldRow, 'name' | 'type'>): string {
  return row.type === 'str' ? row.name : `${row.type}:${row.name}`;
}

export const isListType = (type: FieldType) => type === 'array' || type === 'array_text';

function valueText(value: UserMetadataValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** One row per stored field, in the order the server sent them. */
export function rowsOf(metadata: UserMetadata | undefined): FieldRow[] {
  return Object.entries(metadata ?? {}).map(([key, value]) => ({
    id: `stored:${key}`,
    ...parseKey(key),
    value: valueText(value),
  }));
}

/**
 * The value to send: lists split at commas; every other type as the text typed, which the
 * server parses by the type and refuses, naming the field, when it does not fit.
 */
export function wireValue(row: FieldRow): string | string[] {
  if (!isListType(row.type)) return row.value;
  return row.value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export interface RowProblem {
  rowId: string;
  message: string;
}

/** What the dashboard can tell before asking the server: a missing or repeated name. */
export function rowProblems(rows: readonly FieldRow[]): RowProblem[] {
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '') problems.push({ rowId: row.id, message: 'Give this field a name.' });
    else if (seen.has(name)) problems.push({ rowId: row.id, message: `There is already a field named “${name}”.` });
    seen.add(name);
  }
  return problems;
}

/**
 * The PATCH body from the stored metadata to the rows: new and changed fields with their
 * values, removed ones as null. A field is known by its bare name, so a field whose type
 * changed is simply written under its new key (it replaces the old one on the server).
 */
export function patchFor(stored: UserMetadata | undefined, rows: readonly FieldRow[]): UserMetadataInput {
  const before = new Map(rowsOf(stored).map((row) => [keyOf(row), row]));
  const patch: UserMetadataInput = {};
  const names = new Set<string>();
  for (const raw of rows) {
    const row = { ...raw, name: raw.name.trim() };
    names.add(row.name);
    const key = keyOf(row);
    const old = before.get(key);
    if (old === undefined || old.value !== row.value) patch[key] = wireValue(row);
  }
  for (const [key, row] of before) if (!names.has(row.name)) patch[key] = null;
  return patch;
}

/**
 * The field a server message names (`User metadata field "int:rank" must be …`), as the
 * id of the row it belongs to; undefined when the message names none of the rows.
 */
export function rowNamedIn(message: string, rows: readonly FieldRow[]): string | undefined {
  const match = /field(?: name)? ("(?:[^"\\]|\\.)*")/.exec(message);
  if (match?.[1] === undefined) return undefined;
  let named: string;
  try {
    named = JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
  const exact = rows.find((row) => keyOf({ ...row, name: row.name.trim() }) === named);
  const bare = parseKey(named).name;
  return (exact ?? rows.find((row) => row.name.trim() === bare))?.id;
}
