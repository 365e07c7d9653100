// What the listing methods take as a query: a plain object of parameters
// (`{ limit: 50, 'user:category': 'beach', sort: ['created desc'] }`), a
// URLSearchParams, or the typed search builder (anything with `toParams()`).

import { type QueryInput, queryPairs } from '../http/query.ts';

export interface SearchParamsSource {
  toParams(): URLSearchParams;
}

export type ListQuery = QueryInput | SearchParamsSource;

function isParamsSource(query: ListQuery): query is SearchParamsSource {
  return !(query instanceof URLSearchParams) && typeof query['toParams'] === 'function';
}

/** The query as URLSearchParams, a fresh copy the caller may change. */
export function listParams(query: ListQuery | undefined): URLSearchParams {
  if (query === undefined) return new URLSearchParams();
  if (isParamsSource(query)) return new URLSearchParams(query.toParams());
  return new URLSearchParams(queryPairs(query));
}
