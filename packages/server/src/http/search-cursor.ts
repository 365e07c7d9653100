// The opaque keyset cursor of a listing: handed out as `cursor`, taken back
// as `offset`, valid only for the listing it came from.

import { createHash } from 'node:crypto';
import { OrigoError } from '../errors.ts';
import { isFullHash } from '../images/hash.ts';
import type { Search, SortField, SortPosition } from '../images/search-query.ts';

const MAX_CURSOR_LENGTH = 8192;

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
  const numeric =
    field.source === 'image' ? ['size', 'width', 'height', 'created'].includes(field.column) : field.column === 'num';
  if (value === null) return field.source === 'user';
  return numeric ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
}

export function decodeCursor(search: Omit<Search, 'after' | 'cursor'>, text: string): SortPosition | undefined {
  const bad = (why: string) =>
    new OrigoError(
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      `offset ${JSON.stringify(text)} is not a cursor of this listing: ${why}`,
    );
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw bad('it cannot be decoded');
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw bad('it cannot be decoded');
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    body.v !== 2 ||
    (body.d !== 0 && body.d !== 1) ||
    typeof body.f !== 'string'
  ) {
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
