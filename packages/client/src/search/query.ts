// The search builder: an immutable query of GET /sourceimages/{org} made
// with methods whose types allow only what origo accepts, written out as
// the query string origo parses.

import { SearchQueryError } from './errors.ts';
import type { FacetField, FieldKind, SearchField, SortableField } from './fields.ts';
import { equalValue, type FieldValues, prefixValue, type Range, type RangeKind, rangeValue } from './values.ts';

export type SortDirection = 'asc' | 'desc';
export type SearchOperator = 'and' | 'or';

/** origo's limits (docs/reference/search.md). */
const MAX_FILTERS = 50;
const MAX_SORT_KEYS = 8;
const MAX_FACETS = 10;
const MAX_LIMIT = 2000;
const DEFAULT_LIMIT = 100;
const OFFSET_WINDOW = 10_000;

interface State {
  readonly filters: readonly (readonly [string, string])[];
  readonly sort: readonly { readonly key: string; readonly identity: string; readonly direction: SortDirection }[];
  readonly facets: readonly string[];
  readonly operator?: SearchOperator;
  readonly deleted?: boolean;
  readonly limit?: number;
  readonly offset?: number | string;
}

const EMPTY: State = { filters: [], sort: [], facets: [] };

/** A sort key's identity: origo refuses the same field twice, whatever type it is named with. */
function sortIdentity(key: string): string {
  const parts = key.split(':');
  return parts[0] === 'user' ? `user:${parts[parts.length - 1]}` : key;
}

export class SearchQuery {
  #state: State = EMPTY;

  #with(change: Partial<State>): SearchQuery {
    const next = new SearchQuery();
    next.#state = { ...this.#state, ...change };
    return next;
  }

  #filter(param: string, value: string): SearchQuery {
    if (this.#state.filters.length >= MAX_FILTERS) {
      throw new SearchQueryError(`A search takes at most ${MAX_FILTERS} filters; ${param} would be one more`);
    }
    return this.#with({ filters: [...this.#state.filters, [param, value]] });
  }

  /**
   * Equal: a string field's whole value, every word of a text field, a
   * number, a date (to the second), a position. On array fields any element.
   */
  where<K extends FieldKind>(field: SearchField<K>, value: FieldValues[K]): SearchQuery {
    return this.#filter(field.param, equalValue(field.param, field.kind, value));
  }

  /** Starts with `prefix`; on a text field, the last word is the prefix (`quick bro`). */
  prefix(field: SearchField<'string' | 'text'>, prefix: string): SearchQuery {
    return this.#filter(field.param, prefixValue(field.param, field.kind, prefix));
  }

  /** The field is set (for string and text fields). */
  present(field: SearchField<'string' | 'text'>): SearchQuery {
    return this.#filter(field.param, '*');
  }

  /** Between bounds: `{gte: 1, lt: 10}`; one bound is enough. Strings compare by code point. */
  range<K extends RangeKind>(field: SearchField<K>, range: Range<FieldValues[K]>): SearchQuery {
    return this.#filter(field.param, rangeValue(field.param, field.kind, range));
  }

  /** `or`: an image matches when any filter does (origo has no mixing of and/or). Default `and`. */
  operator(operator: SearchOperator): SearchQuery {
    if (operator !== 'and' && operator !== 'or') throw new SearchQueryError(`operator must be and or or`);
    return this.#with({ operator });
  }

  /** Adds a sort key; the first key decides first. Without any, origo sorts by `created desc`. */
  sort(field: SortableField, direction: SortDirection = 'asc'): SearchQuery {
    if (direction !== 'asc' && direction !== 'desc') throw new SearchQueryError('sort direction must be asc or desc');
    const identity = sortIdentity(field.sortKey);
    if (this.#state.sort.some((s) => s.identity === identity)) {
      throw new SearchQueryError(`The search is already sorted by ${field.sortKey}`);
    }
    if (this.#state.sort.length >= MAX_SORT_KEYS) {
      throw new SearchQueryError(`A search takes at most ${MAX_SORT_KEYS} sort keys`);
    }
    return this.#with({ sort: [...this.#state.sort, { key: field.sortKey, identity, direction }] });
  }

  /** Counts the values of these fields over all matches; the reply's `facets` is keyed by `field.facetKey`. */
  facets(...facetFields: FacetField[]): SearchQuery {
    const facets = [...this.#state.facets];
    for (const field of facetFields) {
      if (facets.includes(field.facetKey)) throw new SearchQueryError(`Facet ${field.facetKey} is asked for twice`);
      facets.push(field.facetKey);
    }
    if (facets.length > MAX_FACETS) throw new SearchQueryError(`A search takes at most ${MAX_FACETS} facets`);
    return this.#with({ facets });
  }

  /** Images per page, 0–2000 (default 100); 0 answers only `total` and facets. */
  limit(limit: number): SearchQuery {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
      throw new SearchQueryError(`limit must be a whole number from 0 to ${MAX_LIMIT}, got ${limit}`);
    }
    this.#checkWindow(this.#state.offset, limit);
    return this.#with({ limit });
  }

  /** Skips images; offset + limit stays within 10 000 (page further with `cursor`). */
  offset(offset: number): SearchQuery {
    if (!Number.isInteger(offset) || offset < 0) {
      throw new SearchQueryError(`offset must be a whole number of at least 0, got ${offset}`);
    }
    this.#checkWindow(offset, this.#state.limit);
    return this.#with({ offset });
  }

  /** Continues after the page whose reply carried this `cursor` (the same search only). */
  cursor(cursor: string): SearchQuery {
    if (cursor === '' || /^\d+$/.test(cursor)) throw new SearchQueryError(`${JSON.stringify(cursor)} is not a cursor`);
    return this.#with({ offset: cursor });
  }

  /** Only deleted images that can still be restored. */
  deleted(deleted = true): SearchQuery {
    return this.#with({ deleted });
  }

  #checkWindow(offset: number | string | undefined, limit = DEFAULT_LIMIT): void {
    if (typeof offset === 'number' && offset + limit > OFFSET_WINDOW) {
      throw new SearchQueryError(
        `offset + limit must not exceed ${OFFSET_WINDOW} (got ${offset} + ${limit}); page further with the cursor`,
      );
    }
  }

  /** The parameters, in a fixed order: filters as added, then sort, facets, operator, deleted, limit, offset. */
  toParams(): URLSearchParams {
    const s = this.#state;
    const params = new URLSearchParams();
    for (const [param, value] of s.filters) params.append(param, value);
    if (s.sort.length > 0) params.set('sort', s.sort.map((k) => `${k.key} ${k.direction}`).join(','));
    if (s.facets.length > 0) params.set('facets', s.facets.join(','));
    if (s.operator !== undefined) params.set('operator', s.operator);
    if (s.deleted !== undefined) params.set('deleted', String(s.deleted));
    if (s.limit !== undefined) params.set('limit', String(s.limit));
    if (s.offset !== undefined) params.set('offset', String(s.offset));
    return params;
  }

  /** The query string without `?`, e.g. `user%3Aint%3Arank=%5B1%2C10%7D&limit=5`. */
  toString(): string {
    return this.toParams().toString();
  }
}

/** A new, empty search: every image, newest first. */
export function search(): SearchQuery {
  return new SearchQuery();
}
