// The typed search builder of GET /sourceimages/{org}.

export { SearchQueryError } from './errors.ts';
export {
  type DynamicGroup,
  type FacetField,
  type FieldKind,
  fields,
  type SearchField,
  type SortableField,
  type StaticGroup,
} from './fields.ts';
export { type SearchOperator, SearchQuery, type SortDirection, search } from './query.ts';
export type { FieldValues, IsoDateTime, LatLon, Range, RangeKind } from './values.ts';
