// The query string of GET /sourceimages/{org} (and the flags other routes
// take) read into a typed Search: paging, repeated parameters, booleans.
// The search language itself is in images/search-*.ts.

import { OrigoError } from '../errors.ts';
import { parseFilter } from '../images/search-filter.ts';
import { type Filter, RESERVED_PARAMS, type Search, searchError } from '../images/search-query.ts';
import { parseFacets, parseSort } from '../images/search-sort.ts';
import { decodeCursor } from './search-cursor.ts';

export interface ListingRequest {
  search: Search;
  /** `binaryHash=` lookups keep their own path (no filters, sort or facets). */
  binaryHash?: string;
}

export const MAX_LIMIT = 2000;
export const DEFAULT_LIMIT = 100;
export const MAX_OFFSET_WINDOW = 10_000;
const MAX_FILTERS = 50;

const RESERVED = new Set<string>(RESERVED_PARAMS);

export type Query = Record<string, string | string[] | undefined>;

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
    if (lower !== 'and' && lower !== 'or')
      throw searchError('operator', `must be and or or, got ${JSON.stringify(operatorText)}`);
    operator = lower;
  }

  const filters: Filter[] = [];
  for (const [param, value] of Object.entries(query)) {
    if (RESERVED.has(param) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) filters.push(parseFilter(param, v));
  }
  if (filters.length > MAX_FILTERS)
    throw searchError(filters[MAX_FILTERS]!.param, `is one filter too many: at most ${MAX_FILTERS} filters`);
  const sort = parseSort(sortText);
  const facets = parseFacets(facetsText);

  const base = { filters, operator, sort, facets, deleted, limit, ...(offset !== undefined ? { offset } : {}) };
  if (binaryHash !== undefined) {
    const extra =
      filters[0]?.param ??
      (sortText !== undefined
        ? 'sort'
        : facetsText !== undefined
          ? 'facets'
          : operatorText !== undefined
            ? 'operator'
            : undefined);
    if (extra !== undefined) {
      throw searchError(extra, 'cannot be combined with binaryHash; search with the binaryhash= filter instead');
    }
    return { search: base, binaryHash };
  }
  const cursor = offsetText !== undefined && offset === undefined && offsetText !== '' ? offsetText : undefined;
  if (cursor === undefined) return { search: base };
  return { search: { ...base, after: decodeCursor(base, cursor), cursor } };
}
