// Request bodies arrive in many shapes (spec §8.2): JSON without a content
// type, JSON labelled text/plain, an empty body labelled application/json,
// raw unquoted strings. Every non-multipart body is kept as bytes and read
// here, whatever its content type.

import { OrigoError } from '../errors.ts';

export const NO_BODY: unique symbol = Symbol('no body');

function text(body: unknown): string | typeof NO_BODY {
  if (body === undefined || body === null) return NO_BODY;
  if (Buffer.isBuffer(body)) {
    const s = body.toString('utf8');
    return s.trim() === '' ? NO_BODY : s;
  }
  if (typeof body === 'string') return body.trim() === '' ? NO_BODY : body;
  return NO_BODY;
}

/** The body as JSON; NO_BODY when empty; 400 when not JSON. */
export function jsonBody(body: unknown): unknown {
  const s = text(body);
  if (s === NO_BODY) return NO_BODY;
  try {
    return JSON.parse(s);
  } catch {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_JSON', 'The request body is not valid JSON');
  }
}

/** The body as JSON, or as the raw text when it is not JSON (rokka.js sends unquoted strings). */
export function jsonOrRawBody(body: unknown): unknown {
  const s = text(body);
  if (s === NO_BODY) return NO_BODY;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** The body as trimmed text ('' when empty). */
export function rawText(body: unknown): string {
  const s = text(body);
  return s === NO_BODY ? '' : s.trim();
}
