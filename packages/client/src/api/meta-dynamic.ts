// Dynamic metadata (subject area, crop area, version, …): part of the hash,
// so setting or removing one gives the image a new hash.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { DynamicMetadataInputs, SourceImage } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { isSourceImage } from './shapes.ts';

export interface DynamicMetadataFlags extends CallOptions {
  /** Delete the image under the old hash once the new one exists. */
  deletePrevious?: boolean;
  /** Change the image in place, keeping its hash (renders already cached are not renewed). */
  keepHash?: boolean;
}

export interface DynamicMetadataResult {
  /** The image's hash now: a new one unless nothing changed or `keepHash` was set. */
  hash: string;
  /** The image under that hash; undefined when nothing changed (the server answers 204 with no body). */
  image: SourceImage | undefined;
}

function flagsQuery(flags: DynamicMetadataFlags) {
  return {
    ...(flags.deletePrevious !== undefined && { deletePrevious: flags.deletePrevious }),
    ...(flags.keepHash !== undefined && { keepHash: flags.keepHash }),
  };
}

/** The hash at the end of a Location `/sourceimages/{org}/{hash}`. */
function hashOfLocation(location: string | null): string | undefined {
  const last = location?.split('?')[0]?.split('/').pop();
  return last === undefined || last === '' ? undefined : decodeURIComponent(last);
}

async function change(
  t: Transport,
  method: 'PUT' | 'DELETE',
  org: string,
  hash: string,
  name: string,
  value: unknown,
  flags: DynamicMetadataFlags,
): Promise<DynamicMetadataResult> {
  const path = pathOf('sourceimages', org, hash, 'meta', 'dynamic', name);
  const response = await t.send({
    method,
    path,
    query: flagsQuery(flags),
    ...(method === 'PUT' && { json: value }),
    signal: flags.signal,
  });
  const text = await response.text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  const image = isSourceImage(body) ? body : undefined;
  return { hash: image?.hash ?? hashOfLocation(response.headers.get('location')) ?? hash, image };
}

export function putSourceImageMetaDynamic<N extends keyof DynamicMetadataInputs>(
  t: Transport,
  org: string,
  hash: string,
  name: N,
  value: DynamicMetadataInputs[N],
  flags: DynamicMetadataFlags = {},
): Promise<DynamicMetadataResult> {
  return change(t, 'PUT', org, hash, name, value, flags);
}

export function deleteSourceImageMetaDynamic(
  t: Transport,
  org: string,
  hash: string,
  name: string,
  flags: DynamicMetadataFlags = {},
): Promise<DynamicMetadataResult> {
  return change(t, 'DELETE', org, hash, name, undefined, flags);
}
