// Shared predicates for JSON values: every layer checks bodies and fields with them.

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where the first NUL (U+0000) in a JSON value is, as a path ("note",
 * "tags[1]", "(a key)"), or undefined when there is none. Text values
 * cannot hold a NUL: PostgreSQL's text type has no room for one, and origo
 * refuses it on every catalog so both behave alike.
 */
export function nulPath(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at || '(the value)' : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const name = at === '' ? key : `${at}.${key}`;
      if (key.includes('\u0000')) return `${name.replaceAll('\u0000', '\\u0000')} (a key)`;
      const found = nulPath(item, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
