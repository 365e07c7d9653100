// Request bodies arrive in many shapes (spec §8.2): JSON without a content
// type, JSON labelled text/plain, an empty body labelled application/json,
// raw unquoted strings. Every non-multipart body is kept as bytes and read
// here, whatever its content type. An empty body reads as `undefined`, which
// no JSON text can produce (`null` is a value).

import { OrigoError } from '../errors.ts';
import { nulPath } from '../json.ts';

function text(body: unknown): string | undefined {
  const s = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  return s.trim() === '' ? undefined : s;
}

/** The body as JSON; undefined when empty; 400 when not JSON. */
export function jsonBody(body: unknown): unknown {
  const s = text(body);
  if (s === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_JSON', 'The request body is not valid JSON');
  }
  return withoutNul(value);
}

/** `value`, or a 400 when a text in it holds a NUL. */
function withoutNul(value: unknown): unknown {
  const at = nulPath(value);
  if (at !== undefined) {
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_NUL_CHARACTER',
      `The request body has a NUL character (U+0000) in ${at}; text values cannot contain it`,
    );
  }
  return value;
}

/** The body as JSON, or as the raw text when it is not JSON (rokka.js sends unquoted strings); undefined when empty. */
export function jsonOrRawBody(body: unknown): unknown {
  const s = text(body);
  if (s === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch {
    value = s;
  }
  return withoutNul(value);
}

/** The body as trimmed text ('' when empty). */
export function rawText(body: unknown): string {
  return text(body)?.trim() ?? '';
}
