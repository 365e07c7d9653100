// Use cases on existing source images: read, list, delete, restore, rename,
// lock, download.

import { pipeline, type Readable } from 'node:stream';
import { OrigoError } from '../errors.ts';
import { isFullHash, isHashLike } from '../images/hash.ts';
import { imageNameProblem } from '../images/image-name.ts';
import type { Search } from '../images/search-query.ts';
import {
  BlobDamagedError,
  type BlobHead,
  BlobNotFoundError,
  type BlobRead,
  type ByteRange,
} from '../storage/blobs/blob-store.ts';
import { VerifyingStream } from '../storage/blobs/verify.ts';
import type { ImageList, ImageRecord, Organization, SearchResult } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';
import { isVerified, markVerified } from './verified-blobs.ts';

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
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      `binaryHash ${JSON.stringify(value)} is not a 40-character hex SHA-1`,
    );
  }
  return lower;
}

export async function deleteByBinaryHash(deps: ServiceDeps, org: Organization, binaryHashParam: string): Promise<void> {
  const binaryHash = normalizeBinaryHash(binaryHashParam);
  const { result } = await deps.catalog.softDeleteByBinaryHash(org.id, binaryHash, deps.now());
  if (result === 'not_found') {
    throw new OrigoError(
      'ORIGO_ERR_IMAGE_NOT_FOUND',
      `No source image with binary hash ${binaryHash} in organization ${org.name}`,
    );
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

export async function renameImage(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  name: unknown,
): Promise<void> {
  const newName = validateImageName(name);
  const hash = await resolveHash(deps, org, hashParam);
  if (!(await deps.catalog.rename(org.id, hash, newName))) throw imageNotFound(org, hashParam);
}

/** A body that must be the JSON value true or false (the options routes). */
export function booleanBody(value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', 'The body must be the JSON value true or false');
  return value;
}

export async function setLocked(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  value: unknown,
): Promise<ImageRecord> {
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

/**
 * The bytes of an image, or a range of them, checked against the catalog: a
 * blob that is missing or of another length is an error before anything is
 * sent; the stream itself fails if fewer bytes come or, for the whole file
 * not yet proven right in this version, if their sha1 is not the image's
 * binary hash.
 */
export async function openImageBytes(
  deps: ServiceDeps,
  org: Organization,
  image: ImageRecord,
  range?: ByteRange,
): Promise<Readable> {
  let blob: BlobRead;
  const readStartedAtMs = Date.now();
  try {
    blob = await deps.blobs.get(image.blobKey, range);
  } catch (err) {
    throw storedBytesError(org, image, err);
  }
  if (blob.size !== image.size) {
    blob.stream.destroy();
    throw storedBytesError(org, image, wrongSize(image, blob.size));
  }
  const { blobKey } = image;
  const expected =
    range !== undefined || isVerified(deps.blobs, blobKey, blob.version)
      ? { key: blobKey, length: range ? range.end - range.start + 1 : image.size }
      : {
          key: blobKey,
          length: image.size,
          sha1: image.binaryHash,
          onVerified: () => markVerified(deps.blobs, blobKey, blob, readStartedAtMs),
        };
  // pipeline, not pipe: a client that goes away closes the file too.
  return pipeline(blob.stream, new VerifyingStream(expected), () => {});
}

/** What openImageBytes would find wrong before sending, without opening the bytes (HEAD, 304). */
export async function checkImageBytes(deps: ServiceDeps, org: Organization, image: ImageRecord): Promise<void> {
  let stat: BlobHead | undefined;
  try {
    stat = await deps.blobs.head(image.blobKey);
  } catch (err) {
    throw storedBytesError(org, image, err);
  }
  if (!stat) throw storedBytesError(org, image, new BlobNotFoundError(image.blobKey));
  if (stat.size !== image.size) throw storedBytesError(org, image, wrongSize(image, stat.size));
}

function wrongSize(image: ImageRecord, size: number): BlobDamagedError {
  return new BlobDamagedError(image.blobKey, `${size} bytes stored, ${image.size} expected`);
}

/** The error a user gets for a blob fault; other errors pass unchanged. */
function storedBytesError(org: Organization, image: ImageRecord, err: unknown): unknown {
  const repair = 'restore the file from a backup or upload the original again to repair it';
  const what = `The stored bytes of source image ${image.hash} in organization ${org.name}`;
  if (err instanceof BlobNotFoundError) {
    return new OrigoError('ORIGO_ERR_STORAGE_BLOB_MISSING', `${what} are missing; ${repair}`, { cause: err });
  }
  if (err instanceof BlobDamagedError) {
    return new OrigoError('ORIGO_ERR_STORAGE_BLOB_DAMAGED', `${what} are damaged (${err.detail}); ${repair}`, {
      cause: err,
    });
  }
  return err;
}
