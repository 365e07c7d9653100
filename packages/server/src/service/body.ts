// Checks of JSON request bodies shared by the account and organization use cases.

import { OrigoError } from '../errors.ts';
import { isPlainObject } from '../json.ts';

export function badBody(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', message);
}

/** The body as an object; no body is an empty one. `refusal` is the message for anything else. */
export function objectBody(body: unknown, refusal: string): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isPlainObject(body)) throw badBody(refusal);
  return body;
}

/** An optional string field of at most `max` characters; absent or null is undefined. */
export function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw badBody(`${field} must be a string of at most ${max} characters`);
  return value;
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}
