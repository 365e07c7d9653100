// The fields origo can search, sort and count, each typed by how its values
// compare. A field's kind decides which filters the builder accepts for it
// (no range on a text field, no prefix on a number), and only fields that
// carry a sort or facet key can be sorted or counted.

import { SearchQueryError } from './errors.ts';

/** How a field's values compare, which decides the filters it takes. */
export type FieldKind = 'string' | 'text' | 'int' | 'double' | 'date' | 'latlon';

/** A field filters can name: `param` is its query parameter (`user:int:rank`). */
export interface SearchField<K extends FieldKind = FieldKind> {
  readonly param: string;
  readonly kind: K;
}

/** A field the listing can be ordered by. */
export interface SortableField<K extends FieldKind = FieldKind> extends SearchField<K> {
  /** How `sort=` names it: user fields always with their type. */
  readonly sortKey: string;
}

/** A `str` or `array` user field, whose values `facets=` can count. */
export interface FacetField extends SearchField<'string'> {
  /** The facet's key in `facets=` and in the reply's `facets`. */
  readonly facetKey: string;
}

/** Dynamic metadata groups that are searchable. */
export type DynamicGroup = 'subject_area' | 'crop_area' | 'multi_areas' | 'version' | 'detection_face' | 'linked';

/** Static metadata groups that are searchable (`xmp` is not). */
export type StaticGroup = 'exif' | 'iptc' | 'icc';

const USER_FIELD_NAME = /^[a-z0-9_]{1,54}$/;
const META_FIELD_PATH = /^[A-Za-z0-9_.-]{1,128}$/;
const DYNAMIC_GROUPS: readonly string[] = [
  'subject_area',
  'crop_area',
  'multi_areas',
  'version',
  'detection_face',
  'linked',
];
const STATIC_GROUPS: readonly string[] = ['exif', 'iptc', 'icc'];

function userName(name: string): string {
  if (!USER_FIELD_NAME.test(name)) {
    throw new SearchQueryError(
      `User field name ${JSON.stringify(name)} is invalid: names are 1 to 54 characters of a-z, 0-9 and _`,
    );
  }
  return name;
}

function metaParam(scope: 'dynamic' | 'static', type: string, group: string, path: string): string {
  const groups = scope === 'dynamic' ? DYNAMIC_GROUPS : STATIC_GROUPS;
  if (!groups.includes(group)) {
    throw new SearchQueryError(
      `${JSON.stringify(group)} is not a searchable ${scope} metadata group; they are ${groups.join(', ')}`,
    );
  }
  if (!META_FIELD_PATH.test(path)) {
    throw new SearchQueryError(
      `${scope} metadata field ${JSON.stringify(path)} is invalid: 1 to 128 characters of A-Z, a-z, 0-9, _, . and -`,
    );
  }
  return `${scope}:${type}:${group}:${path}`;
}

const plain = <K extends FieldKind>(param: string, kind: K): SearchField<K> => ({ param, kind });
const sortable = <K extends FieldKind>(param: string, kind: K): SortableField<K> => ({ param, kind, sortKey: param });

/** Fields of metadata below a group (`dynamic:`/`static:`), by their type. */
function metaFields<G extends string>(scope: 'dynamic' | 'static') {
  const make =
    <K extends FieldKind>(type: string, kind: K) =>
    (group: G, path: string): SearchField<K> =>
      plain(metaParam(scope, type, group, path), kind);
  return {
    /** The whole value as text (numbers as JSON writes them, booleans as true/false). */
    str: make('str', 'string'),
    /** Any element of a list, as text. */
    array: make('array', 'string'),
    /** The words of the value. */
    text: make('text', 'text'),
    /** The words of any element of a list. */
    arrayText: make('array_text', 'text'),
    int: make('int', 'int'),
    double: make('double', 'double'),
    date: make('date', 'date'),
  };
}

/**
 * Every searchable field. Image fields are constants; metadata fields are
 * made from their name, which is checked here:
 * `fields.user.int('rank')`, `fields.dynamic.int('subject_area', 'x')`,
 * `fields.static.str('exif', 'Make')`.
 */
export const fields = {
  hash: sortable('hash', 'string'),
  shortHash: sortable('short_hash', 'string'),
  binaryHash: sortable('binaryhash', 'string'),
  mimetype: sortable('mimetype', 'string'),
  format: sortable('format', 'string'),
  /** The whole name, case-sensitive. */
  name: sortable('name', 'string'),
  /** The words of the name. */
  nameText: plain('name_text', 'text'),
  size: sortable('size', 'int'),
  width: sortable('width', 'int'),
  height: sortable('height', 'int'),
  created: sortable('created', 'date'),
  /** Only meaningful with `deleted(true)`. */
  deletedDate: plain('deletedDate', 'date'),
  user: {
    /** A plain string field, filtered and counted as `user:<name>`. */
    str(name: string): SortableField<'string'> & FacetField {
      const n = userName(name);
      return { param: `user:${n}`, kind: 'string', sortKey: `user:str:${n}`, facetKey: `user:${n}` };
    },
    text(name: string): SearchField<'text'> {
      return plain(`user:text:${userName(name)}`, 'text');
    },
    int(name: string): SortableField<'int'> {
      return sortable(`user:int:${userName(name)}`, 'int');
    },
    double(name: string): SortableField<'double'> {
      return sortable(`user:double:${userName(name)}`, 'double');
    },
    date(name: string): SortableField<'date'> {
      return sortable(`user:date:${userName(name)}`, 'date');
    },
    latlon(name: string): SearchField<'latlon'> {
      return plain(`user:latlon:${userName(name)}`, 'latlon');
    },
    /** A list of strings: a filter matches when any element does. */
    array(name: string): FacetField {
      const param = `user:array:${userName(name)}`;
      return { param, kind: 'string', facetKey: param };
    },
    arrayText(name: string): SearchField<'text'> {
      return plain(`user:array_text:${userName(name)}`, 'text');
    },
  },
  dynamic: metaFields<DynamicGroup>('dynamic'),
  static: metaFields<StaticGroup>('static'),
} as const;
