// Which user-metadata fields the library counts facets for. The API counts
// facets only for fields it is told (and only `str` and `array` ones), and
// an organization has no list of its fields; so the page takes those it sees
// on the images it has loaded, the ones most of them carry first, at most
// MAX_FACET_FIELDS so that the request and the panel stay small. A field
// seen on no loaded image is not offered: its values could not be shown
// either without a search that finds it.

import type { SourceImage } from 'origo-client';

export const MAX_FACET_FIELDS = 5;

/** A field to count: its `facets=` name, and how it is shown. */
export interface FacetField {
  /** `user:<name>` for str, `user:array:<name>` for array: also the filter's field. */
  field: string;
  label: string;
}

/** Stored keys are bare for `str` (`category`) and prefixed otherwise (`array:tags`, `int:rank`). */
function facetFieldOf(key: string): FacetField | undefined {
  if (!key.includes(':')) return { field: `user:${key}`, label: key };
  if (key.startsWith('array:')) return { field: `user:${key}`, label: key.slice('array:'.length) };
  return undefined;
}

export function facetFieldsOf(images: readonly SourceImage[]): FacetField[] {
  const counts = new Map<string, { field: FacetField; count: number }>();
  for (const image of images) {
    for (const key of Object.keys(image.user_metadata ?? {})) {
      const field = facetFieldOf(key);
      if (field === undefined) continue;
      const seen = counts.get(field.field);
      if (seen === undefined) counts.set(field.field, { field, count: 1 });
      else seen.count += 1;
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.field.field.localeCompare(b.field.field))
    .slice(0, MAX_FACET_FIELDS)
    .map((entry) => entry.field);
}
