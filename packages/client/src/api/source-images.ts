// Reading, listing and changing source images (rokka's /sourceimages API),
// except creating (create-source-image.ts), copying (copies.ts) and metadata.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { SourceImage, SourceImageList } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { type ListQuery, listParams } from './list-query.ts';
import { expectShape, isSourceImage, isSourceImageList } from './shapes.ts';

export interface GetSourceImageOptions extends CallOptions {
  /** Find the image also when it is soft-deleted. */
  deleted?: boolean;
}

export interface IterateSourceImagesOptions extends CallOptions {
  /** Images per request (the query's own `limit` otherwise; the server's default is 100). */
  pageSize?: number;
}

export interface ProtectOptions extends CallOptions {
  /** Delete the image under the old hash once the new one exists. */
  deletePrevious?: boolean;
}

export async function getSourceImage(
  t: Transport,
  org: string,
  hash: string,
  options: GetSourceImageOptions = {},
): Promise<SourceImage> {
  const path = pathOf('sourceimages', org, hash);
  const query = options.deleted ? { deleted: true } : undefined;
  const body = await t.json({ method: 'GET', path, query, signal: options.signal });
  return expectShape(body, isSourceImage, 'a source image', `GET ${path}`);
}

/** One page of a listing or search (rokka's list body: total, items, cursor, links, facets). */
export async function listSourceImages(
  t: Transport,
  org: string,
  query?: ListQuery,
  options: CallOptions = {},
): Promise<SourceImageList> {
  const path = pathOf('sourceimages', org);
  const body = await t.json({ method: 'GET', path, query: listParams(query), signal: options.signal });
  return expectShape(body, isSourceImageList, 'a list of source images', `GET ${path}`);
}

/**
 * Every image the query matches, page by page: the first page without an
 * offset, then each following one by the `cursor` of the one before, until
 * a page is empty or the cursor stops changing. A server that sends no
 * cursor is paged by numeric offset instead.
 */
export async function* iterateSourceImages(
  t: Transport,
  org: string,
  query?: ListQuery,
  options: IterateSourceImagesOptions = {},
): AsyncGenerator<SourceImage, void, undefined> {
  const params = listParams(query);
  if (options.pageSize !== undefined) params.set('limit', String(options.pageSize));
  const startText = params.get('offset');
  // A numeric start can be paged on by number if the server sends no cursor; a cursor start cannot.
  const start = startText === null ? 0 : /^\d+$/.test(startText) ? Number(startText) : undefined;
  let seen = 0;
  for (;;) {
    const page = await listSourceImages(t, org, params, options);
    yield* page.items;
    seen += page.items.length;
    if (page.items.length === 0) return;
    if (page.cursor !== undefined && page.cursor !== '') {
      if (page.cursor === params.get('offset')) return;
      params.set('offset', page.cursor);
      continue;
    }
    if (start === undefined || start + seen >= page.total) return;
    params.set('offset', String(start + seen));
  }
}

/** Every live image with these bytes (several when their dynamic metadata differ). */
export async function getSourceImagesWithBinaryHash(
  t: Transport,
  org: string,
  binaryHash: string,
  options: CallOptions = {},
): Promise<SourceImageList> {
  const path = pathOf('sourceimages', org);
  const body = await t.json({ method: 'GET', path, query: { binaryHash }, signal: options.signal });
  return expectShape(body, isSourceImageList, 'a list of source images', `GET ${path}?binaryHash=`);
}

/** Soft-deletes the image: it can be restored within the restore window. */
export async function deleteSourceImage(t: Transport, org: string, hash: string, options: CallOptions = {}) {
  await t.empty({ method: 'DELETE', path: pathOf('sourceimages', org, hash), signal: options.signal });
}

/** Soft-deletes every live image with these bytes; 404 when there is none. */
export async function deleteSourceImagesWithBinaryHash(
  t: Transport,
  org: string,
  binaryHash: string,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'DELETE', path: pathOf('sourceimages', org), query: { binaryHash }, signal: options.signal });
}

export async function restoreSourceImage(
  t: Transport,
  org: string,
  hash: string,
  options: CallOptions = {},
): Promise<SourceImage> {
  const path = pathOf('sourceimages', org, hash, 'restore');
  // Restoring twice gives the same image, so a lost answer may be asked again.
  const body = await t.json({ method: 'POST', path, repeatable: true, signal: options.signal });
  return expectShape(body, isSourceImage, 'a source image', `POST ${path}`);
}

export async function renameSourceImage(
  t: Transport,
  org: string,
  hash: string,
  name: string,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'PUT', path: pathOf('sourceimages', org, hash, 'name'), json: name, signal: options.signal });
}

export async function setSourceImageLocked(
  t: Transport,
  org: string,
  hash: string,
  locked: boolean,
  options: CallOptions = {},
): Promise<SourceImage> {
  const path = pathOf('sourceimages', org, hash, 'options', 'locked');
  const body = await t.json({ method: 'PUT', path, json: locked, signal: options.signal });
  return expectShape(body, isSourceImage, 'a source image', `PUT ${path}`);
}

/** Protection is part of the hash: the answer is the image under its new hash (the same when unchanged). */
export async function setSourceImageProtected(
  t: Transport,
  org: string,
  hash: string,
  isProtected: boolean,
  options: ProtectOptions = {},
): Promise<SourceImage> {
  const path = pathOf('sourceimages', org, hash, 'options', 'protected');
  const query = options.deletePrevious === undefined ? undefined : { deletePrevious: options.deletePrevious };
  const body = await t.json({ method: 'PUT', path, query, json: isProtected, signal: options.signal });
  return expectShape(body, isSourceImage, 'a source image', `PUT ${path}`);
}
