// User metadata of a source image: free fields that do not change its hash.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { UserMetadata } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import type { UserMetadataInput } from './create-source-image.ts';
import { expectShape, isRecord } from './shapes.ts';

const metaPath = (org: string, hash: string, ...field: string[]) =>
  pathOf('sourceimages', org, hash, 'meta', 'user', ...field);

function isUserMetadata(value: unknown): value is UserMetadata {
  return isRecord(value);
}

export async function getSourceImageMetaUser(
  t: Transport,
  org: string,
  hash: string,
  options: CallOptions = {},
): Promise<UserMetadata> {
  const path = metaPath(org, hash);
  const body = await t.json({ method: 'GET', path, signal: options.signal });
  return expectShape(body, isUserMetadata, 'user metadata', `GET ${path}`);
}

/** One field's value; 404 when the image has no such field. */
export async function getSourceImageMetaUserField(
  t: Transport,
  org: string,
  hash: string,
  name: string,
  options: CallOptions = {},
): Promise<unknown> {
  return t.json({ method: 'GET', path: metaPath(org, hash, name), signal: options.signal });
}

/** Replaces all user metadata: fields not in `metadata` are removed. */
export async function putSourceImageMetaUser(
  t: Transport,
  org: string,
  hash: string,
  metadata: UserMetadataInput,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'PUT', path: metaPath(org, hash), json: metadata, signal: options.signal });
}

/** Sets the fields given (null removes one) and keeps the others. */
export async function patchSourceImageMetaUser(
  t: Transport,
  org: string,
  hash: string,
  metadata: UserMetadataInput,
  options: CallOptions = {},
): Promise<void> {
  // Setting the same fields twice leaves the same metadata.
  const spec = { method: 'PATCH', path: metaPath(org, hash), json: metadata, repeatable: true };
  await t.empty({ ...spec, signal: options.signal });
}

export async function deleteSourceImageMetaUser(t: Transport, org: string, hash: string, options: CallOptions = {}) {
  await t.empty({ method: 'DELETE', path: metaPath(org, hash), signal: options.signal });
}

/** Sets one field; `name` may carry a type prefix (`int:rank`). */
export async function putSourceImageMetaUserField(
  t: Transport,
  org: string,
  hash: string,
  name: string,
  value: unknown,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'PUT', path: metaPath(org, hash, name), json: value, signal: options.signal });
}

export async function deleteSourceImageMetaUserField(
  t: Transport,
  org: string,
  hash: string,
  name: string,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'DELETE', path: metaPath(org, hash, name), signal: options.signal });
}
