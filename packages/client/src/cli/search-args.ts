// Turns `field=value` words and listing flags, or the --query of import and
// export, into the query of GET /sourceimages/{org}: the server's own search
// language, passed through.

import { usageError } from './exit-codes.ts';

export interface ListingFlags {
  sort?: string;
  limit?: number;
  deleted?: boolean;
  facets?: string;
}

export function searchQuery(words: readonly string[], flags: ListingFlags): Record<string, string> {
  const query: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      throw usageError(`search terms are field=value (e.g. name=cat user:str:tag=beach), got ${JSON.stringify(word)}`);
    }
    query[word.slice(0, eq)] = word.slice(eq + 1);
  }
  if (flags.sort !== undefined) query.sort = flags.sort;
  if (flags.limit !== undefined) query.limit = String(flags.limit);
  if (flags.deleted === true) query.deleted = 'true';
  if (flags.facets !== undefined) query.facets = flags.facets;
  return query;
}

/**
 * --query as search filters in list-parameter form, e.g.
 * `user:category=beach&format=jpg` or `created=[2024-01-01T00:00:00Z,}`.
 * `offset` and `limit` are refused: the move pages through the whole result.
 */
export function parseQuery(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '' || value === '') {
      throw usageError(`--query ${JSON.stringify(text)}: every filter needs a name and a value, like format=jpg`);
    }
    if (key === 'offset' || key === 'limit') {
      throw usageError(`--query ${JSON.stringify(text)}: ${key} cannot be given, every matching image is moved`);
    }
    query[key] = value;
  }
  return query;
}
