// Query strings: plain objects become `?a=1&b=x,y`, in the key order given.

/** One query value: lists are joined with commas (rokka's `sort` and `facets` take them so). */
export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;

export type QueryInput = Readonly<Record<string, QueryValue>> | URLSearchParams;

/** The pairs of a query, leaving out null and undefined values. */
export function queryPairs(query: QueryInput | undefined): [string, string][] {
  if (query === undefined) return [];
  if (query instanceof URLSearchParams) return [...query.entries()];
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    pairs.push([key, Array.isArray(value) ? value.join(',') : String(value)]);
  }
  return pairs;
}

/** `?…` for the query, or '' when it has no pairs. */
export function queryString(query: QueryInput | undefined): string {
  const pairs = queryPairs(query);
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`;
}

/** A path from segments, each percent-encoded (a name may hold `/` or `?`). */
export function pathOf(...segments: string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}
