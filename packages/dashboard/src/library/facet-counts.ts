// The facet counts of the current search: one `limit=0` request naming the
// fields (no images, only the counts over every match), asked again when
// the search or the fields change.

import type { FacetValue, OrigoClient } from 'origo-client';
import { useEffect, useState } from 'preact/hooks';
import type { FacetField } from './facet-fields.ts';
import type { SearchPairs } from './search-query.ts';

export type FacetCounts = Record<string, FacetValue[]>;

export function useFacetCounts(
  client: OrigoClient,
  organization: string,
  fields: readonly FacetField[],
  pairs: SearchPairs,
  /** Changed when images were added or restored, so the counts are asked for again. */
  version: number,
): FacetCounts {
  const [counts, setCounts] = useState<FacetCounts>({});
  // Compared by content: the arrays are new on every render.
  const fieldList = fields.map((f) => f.field).join(',');
  const searchKey = JSON.stringify(pairs);
  useEffect(() => {
    void version; // Named so that the effect runs again when it changes (the hooks lint wants it read).
    if (fieldList === '') {
      setCounts({});
      return;
    }
    const abort = new AbortController();
    const params = new URLSearchParams(JSON.parse(searchKey) as SearchPairs);
    params.delete('sort');
    params.set('limit', '0');
    params.set('facets', fieldList);
    client
      .listSourceImages(organization, params, { signal: abort.signal })
      .then((list) => setCounts(list.facets ?? {}))
      // Counts are a help, not the page: without them the panel stays as it was.
      .catch(() => {});
    return () => abort.abort();
  }, [client, organization, fieldList, searchKey, version]);
  return counts;
}
