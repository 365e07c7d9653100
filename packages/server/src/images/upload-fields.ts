// How multipart field names of a create request map to source indexes:
// `meta_user[2]` is index 2, `meta_user[]` is "the next index for this field
// name", a bare `meta_user` is index 0, and `meta_dynamic[0][subject_area]`
// carries a sub-key. Values may be JSON encoded twice (rokka.js does that).

import { OrigoError } from '../errors.ts';
import { nulPath } from '../json.ts';

export interface FieldName {
  base: string;
  /** A number, or 'next' for `[]`. */
  index: number | 'next';
  key?: string;
}

const FIELD = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{0,6})\])?(?:\[([A-Za-z0-9_]+)\])?$/;

export function parseFieldName(name: string): FieldName | undefined {
  const m = FIELD.exec(name);
  if (!m) return undefined;
  const [, base, index, key] = m;
  const parsed: FieldName = { base: base!, index: index === undefined ? 0 : index === '' ? 'next' : Number(index) };
  if (key !== undefined) parsed.key = key;
  return parsed;
}

/** Resolves `[]` indexes: each field name counts its own appearances. */
export class IndexResolver {
  private readonly next = new Map<string, number>();

  resolve(field: FieldName): number {
    const counter = field.key === undefined ? field.base : `${field.base}[${field.key}]`;
    if (field.index === 'next') {
      const index = this.next.get(counter) ?? 0;
      this.next.set(counter, index + 1);
      return index;
    }
    this.next.set(counter, Math.max(this.next.get(counter) ?? 0, field.index + 1));
    return field.index;
  }
}

/**
 * Parses a JSON field value; while the result is a string that itself holds a
 * JSON object or array, decodes again.
 */
export function decodeJsonField(fieldName: string, value: string): unknown {
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    throw new OrigoError('ORIGO_ERR_UPLOAD_BAD_FIELD', `Field ${fieldName} is not valid JSON`);
  }
  for (let depth = 0; depth < 3 && typeof decoded === 'string'; depth++) {
    const inner = decoded.trim();
    if (!inner.startsWith('{') && !inner.startsWith('[')) break;
    try {
      decoded = JSON.parse(inner);
    } catch {
      break;
    }
  }
  const at = nulPath(decoded);
  if (at !== undefined) {
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_BAD_FIELD',
      `Field ${fieldName} has a NUL character (U+0000) in ${at}; text values cannot contain it`,
    );
  }
  return decoded;
}
