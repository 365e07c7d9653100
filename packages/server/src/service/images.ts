// Use cases on existing source images: read, list, delete, restore, rename,
// lock, download.

import type { Readable } from 'node:stream';
import { OrigoError } from '../errors.ts';
import { isFullHash, isHashLike } from '../images/hash.ts';
import { imageNameProblem } from '../images/image-name.ts';
import { BlobNotFoundError, type ByteRange } from '../storage/blobs/blob-store.ts';
import type { Search } from '../images/search-query.ts';
import type { ImageList, ImageRecord, Organization, SearchResult } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';

export function imageNotFound(org: Organization, hash: string): OrigoError {
  return new OrigoError('ORIGO_ERR_IMAGE_NOT_FOUND', `Source image ${hash} not found in organization ${org.name}`);
}

export async function getImage(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  includeDeleted = false,
): Promise<ImageRecord> {
  if (!isHashLike(hashParam)) throw imageNotFound(org, hashParam);
  const image = await deps.catalog.findImage(org.id, hashParam.toLowerCase(), includeDeleted);
  if (!image) throw imageNotFound(org, hashParam);
  // Deleted longer ago than the window: gone, even before the sweep purges it.
  if (image.deletedAt !== null && image.deletedAt < restoreWindowStart(deps)) throw expired(org, hashParam, deps);
  return image;
}

/**
 * The full hash `hashParam` names, for a write that checks itself that the
 * image lives: a full hash as it is (no lookup), a short one looked up.
 */
export async function resolveHash(deps: ServiceDeps, org: Organization, hashParam: string): Promise<string> {
  const lower = hashParam.toLowerCase();
  return isFullHash(lower) ? lower : (await getImage(deps, org, hashParam)).hash;
}

function expired(org: Organization, hashParam: string, deps: ServiceDeps): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_IMAGE_NOT_FOUND',
    `Source image ${hashParam} in organization ${org.name} was deleted more than ${Math.round(deps.config.restoreWindowMs / 86_400_000)} days ago and cannot be restored`,
  );
}

/** `what` names the refused change, e.g. "deleting it". */
export function lockedError(image: Pick<ImageRecord, 'hash'>, what: string): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_IMAGE_LOCKED',
    `Source image ${image.hash} is locked: ${what} is not allowed; unlock it first (PUT .../options/locked with false)`,
  );
}

export async function deleteImage(deps: ServiceDeps, org: Organization, hashParam: string): Promise<void> {
  const hash = await resolveHash(deps, org, hashParam);
  const result = await deps.catalog.softDelete(org.id, hash, deps.now());
  if (result === 'locked') throw lockedError({ hash }, 'deleting it');
  if (result === 'not_found') throw imageNotFound(org, hashParam);
}

function normalizeBinaryHash(value: string): string {
  const lower = value.toLowerCase();
  if (!isFullHash(lower)) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_PARAMETER', `binaryHash ${JSON.stringify(value)} is not a 40-character hex SHA-1`);
  }
  return lower;
}

export async function deleteByBinaryHash(deps: ServiceDeps, org: Organization, binaryHashParam: string): Promise<void> {
  const binaryHash = normalizeBinaryHash(binaryHashParam);
  const { result } = await deps.catalog.softDeleteByBinaryHash(org.id, binaryHash, deps.now());
  if (result === 'not_found') {
    throw new OrigoError('ORIGO_ERR_IMAGE_NOT_FOUND', `No source image with binary hash ${binaryHash} in organization ${org.name}`);
  }
  if (result === 'locked') {
    throw new OrigoError(
      'ORIGO_ERR_IMAGE_LOCKED',
      `A source image with binary hash ${binaryHash} is locked; nothing was deleted`,
    );
  }
}

function restoreWindowStart(deps: ServiceDeps): Date {
  return new Date(deps.now().getTime() - deps.config.restoreWindowMs);
}

export async function restoreImage(deps: ServiceDeps, org: Organization, hashParam: string): Promise<ImageRecord> {
  const image = await getImage(deps, org, hashParam, true);
  const restored = await deps.catalog.restore(org.id, image.hash, restoreWindowStart(deps));
  if (!restored) throw expired(org, hashParam, deps);
  return restored;
}

function validateImageName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OrigoError('ORIGO_ERR_IMAGE_INVALID_NAME', 'The name must be a non-empty string, e.g. "photo.jpg"');
  }
  const problem = imageNameProblem(value);
  if (problem) throw new OrigoError('ORIGO_ERR_IMAGE_INVALID_NAME', `The name ${problem}`);
  return value;
}

export async function renameImage(deps: ServiceDeps, org: Organization, hashParam: string, name: unknown): Promise<void> {
  const newName = validateImageName(name);
  const hash = await resolveHash(deps, org, hashParam);
  if (!(await deps.catalog.rename(org.id, hash, newName))) throw imageNotFound(org, hashParam);
}

/** A body that must be the JSON value true or false (the options routes). */
export function booleanBody(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', 'The body must be the JSON value true or false');
  return value;
}

export async function setLocked(deps: ServiceDeps, org: Organization, hashParam: string, value: unknown): Promise<ImageRecord> {
  const locked = booleanBody(value);
  const updated = await deps.catalog.setLocked(org.id, await resolveHash(deps, org, hashParam), locked);
  if (!updated) throw imageNotFound(org, hashParam);
  return updated;
}

/** Lists and searches an organization's images (filters, sort, paging, facets; see images/search-query.ts). */
export function listImages(deps: ServiceDeps, org: Organization, search: Search): Promise<SearchResult> {
  return deps.catalog.searchImages(org.id, { ...search, deletedSince: restoreWindowStart(deps) });
}

export function findByBinaryHash(
  deps: ServiceDeps,
  org: Organization,
  binaryHashParam: string,
  limit: number,
  offset: number,
): Promise<ImageList> {
  return deps.catalog.findByBinaryHash(org.id, normalizeBinaryHash(binaryHashParam), { limit, offset });
}

export async function openImageBytes(deps: ServiceDeps, image: ImageRecord, range?: ByteRange): Promise<Readable> {
  try {
    return await deps.blobs.read(image.blobKey, range);
  } catch (err) {
    if (err instanceof BlobNotFoundError) {
      // A row without its blob breaks a rule of the house; say so loudly.
      throw new OrigoError('ORIGO_ERR_SERVER_INTERNAL', `The stored bytes of source image ${image.hash} are missing`, {
        cause: err,
      });
    }
    throw err;
  }
}
