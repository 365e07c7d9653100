// The sort keys and facets of a listing (`sort=`, `facets=`).

import { type FacetRequest, type ImageColumn, type SortField, type SortKey, searchError } from './search-query.ts';
import { FIELD_NAME } from './user-metadata.ts';

const MAX_SORT_KEYS = 8;
const MAX_FACETS = 10;

const DEFAULT_SORT: SortKey[] = [{ field: { source: 'image', column: 'created' }, direction: 'desc' }];

const SORT_COLUMNS: ReadonlyMap<string, Exclude<ImageColumn, 'deleted_at'>> = new Map([
  ['hash', 'hash'],
  ['short_hash', 'short_hash'],
  ['binaryhash', 'binary_hash'],
  ['mimetype', 'mimetype'],
  ['format', 'format'],
  ['name', 'name'],
  ['size', 'size'],
  ['width', 'width'],
  ['height', 'height'],
  ['created', 'created'],
] satisfies [string, Exclude<ImageColumn, 'deleted_at'>][]);
const SORTABLE_USER_TYPES = ['str', 'int', 'double', 'date'] as const;

function sortFieldOf(name: string): SortField {
  const column = SORT_COLUMNS.get(name);
  if (column) return { source: 'image', column };
  if (name.startsWith('user:')) {
    const parts = name.split(':');
    if (parts.length !== 3) {
      throw searchError(
        'sort',
        `cannot sort by ${JSON.stringify(name)}: name user fields with their type, as user:<type>:<name> (${SORTABLE_USER_TYPES.join(', ')})`,
      );
    }
    const [, type, field] = parts as [string, string, string];
    if (!(SORTABLE_USER_TYPES as readonly string[]).includes(type)) {
      throw searchError(
        'sort',
        `cannot sort by ${JSON.stringify(name)}: user fields of type ${SORTABLE_USER_TYPES.join(', ')} are sortable`,
      );
    }
    if (!FIELD_NAME.test(field))
      throw searchError('sort', `cannot sort by ${JSON.stringify(name)}: invalid field name`);
    const t = type as (typeof SORTABLE_USER_TYPES)[number];
    return { source: 'user', name: field, type: t, column: t === 'str' ? 'str' : 'num' };
  }
  throw searchError(
    'sort',
    `cannot sort by ${JSON.stringify(name)}; sortable are ${[...SORT_COLUMNS.keys()].join(', ')} and user:<type>:<name>`,
  );
}

function sortIdentity(field: SortField): string {
  return field.source === 'image' ? field.column : `user:${field.name}`;
}

export function parseSort(value: string | undefined): SortKey[] {
  if (value === undefined || value.trim() === '') return DEFAULT_SORT;
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  for (const item of value.split(',')) {
    // Spaces arrive as '+' or %20, both decoded to ' '; a literal '+' is taken as a space too.
    const words = item
      .trim()
      .split(/[\s+]+/)
      .filter((w) => w !== '');
    if (words.length === 0) throw searchError('sort', `has an empty sort key in ${JSON.stringify(value)}`);
    if (words.length > 2)
      throw searchError(
        'sort',
        `has ${JSON.stringify(item.trim())}: a sort key is a field and an optional asc or desc`,
      );
    const direction = (words[1] ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      throw searchError('sort', `has the direction ${JSON.stringify(words[1])}; use asc or desc`);
    }
    const field = sortFieldOf(words[0]!);
    const identity = sortIdentity(field);
    if (seen.has(identity)) throw searchError('sort', `names ${JSON.stringify(words[0])} twice`);
    seen.add(identity);
    keys.push({ field, direction });
  }
  if (keys.length > MAX_SORT_KEYS) throw searchError('sort', `has more than ${MAX_SORT_KEYS} keys`);
  return keys;
}

export function parseFacets(value: string | undefined): FacetRequest[] {
  if (value === undefined || value.trim() === '') return [];
  const facets: FacetRequest[] = [];
  for (const item of value.split(',')) {
    const key = item.trim();
    const parts = key.split(':');
    const ok = parts[0] === 'user' && (parts.length === 2 || parts.length === 3);
    if (!ok)
      throw searchError(
        'facets',
        `cannot count ${JSON.stringify(key)}: facets are user fields of type str or array, as user:<name>, user:str:<name> or user:array:<name>`,
      );
    const type = parts.length === 3 ? parts[1]! : 'str';
    const name = parts[parts.length - 1]!;
    if (type !== 'str' && type !== 'array') {
      throw searchError(
        'facets',
        `cannot count ${JSON.stringify(key)}: facets are counted for str and array fields only, not ${type}`,
      );
    }
    if (!FIELD_NAME.test(name)) throw searchError('facets', `cannot count ${JSON.stringify(key)}: invalid field name`);
    if (facets.some((f) => f.key === key)) throw searchError('facets', `names ${JSON.stringify(key)} twice`);
    facets.push({ key, name, type });
  }
  if (facets.length > MAX_FACETS) throw searchError('facets', `names more than ${MAX_FACETS} fields`);
  return facets;
}
