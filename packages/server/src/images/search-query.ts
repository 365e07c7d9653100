// The Search AST of GET /sourceimages/{org} (issue 4): what a listing asks
// for, as the catalog receives it, and the search language's shared parts.
// Filters are parsed in search-filter.ts, sort and facets in search-sort.ts;
// the query string itself is read in http/search-query-params.ts. Every
// refusal is a 400 whose message names the parameter at fault (JSON-quoted),
// so a client can tell which of its filters to fix.
// docs/reference/search.md is the user-facing description of this grammar.

import { OrigoError } from '../errors.ts';
import type { UserType } from './user-metadata.ts';

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

export const MAX_FACET_VALUES = 1000;

/** The parameters of a listing that are not filters. */
export const RESERVED_PARAMS = ['limit', 'offset', 'sort', 'facets', 'deleted', 'operator', 'binaryHash'] as const;

/** Static metadata groups that are indexed for search (xmp, a raw XML packet, is not). */
export const STATIC_GROUPS = ['exif', 'iptc', 'icc'] as const;

export function searchError(param: string, message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_SEARCH_BAD_PARAMETER', `${JSON.stringify(param)} ${message}`);
}

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
