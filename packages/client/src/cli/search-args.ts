// Turns `field=value` words and listing flags into the query of
// GET /sourceimages/{org}: the server's own search language, passed through.

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
