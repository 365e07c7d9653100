// Copying images between organizations (spec §2.1, §2.2): the copy has the
// same hash and shares the stored bytes; afterwards the two are independent.

import { OrigoError } from '../errors.ts';
import { isFullHash, isHashLike } from '../images/hash.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import type { Authenticator, Principal } from './auth.ts';
import type { ServiceDeps } from './deps.ts';
import { imageNotFound, resolveHash } from './images.ts';
import { findOrganization } from './organizations.ts';

const MAX_BATCH_COPY = 100;

function badDestination(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_COPY_BAD_DESTINATION', message);
}

/** `Overwrite: F` (any case, spaces trimmed) means do not overwrite; absent or `T` means overwrite. */
export function parseOverwrite(header: string | undefined): boolean {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 't' || value === 'true') return true;
  if (value === 'f' || value === 'false') return false;
  throw new OrigoError('ORIGO_ERR_REQUEST_BAD_PARAMETER', `Overwrite must be T or F, got ${JSON.stringify(header)}`);
}

/** The destination organization, checked for existence and the caller's write right. */
export async function copyDestination(
  deps: ServiceDeps,
  auth: Authenticator,
  principal: Principal,
  source: Organization,
  header: string | undefined,
): Promise<Organization> {
  const name = (header ?? '').trim();
  if (name === '') throw badDestination('Copy needs a Destination header naming the organization to copy to');
  if (name === source.name) throw badDestination(`Destination ${name} is the organization the image is in`);
  const destination = await findOrganization(deps, name);
  if (!destination) throw badDestination(`Destination organization ${JSON.stringify(name)} does not exist`);
  if (!(await auth.isAllowed(principal, 'images:write', destination))) {
    throw new OrigoError(
      'ORIGO_ERR_AUTH_FORBIDDEN',
      `This key may not write images in the destination organization ${name}`,
    );
  }
  return destination;
}

export type CopyOutcome = 'created' | 'overwritten';

export async function copyImage(
  deps: ServiceDeps,
  source: Organization,
  hashParam: string,
  destination: Organization,
  overwrite: boolean,
): Promise<CopyOutcome> {
  const hash = await resolveHash(deps, source, hashParam);
  const result = await deps.catalog.copyImage(source.id, hash, destination.id, { overwrite, now: deps.now() });
  if (result === 'source_not_found') throw imageNotFound(source, hashParam);
  if (result === 'exists') {
    throw new OrigoError(
      'ORIGO_ERR_COPY_EXISTS',
      `Source image ${hash} exists in ${destination.name} and Overwrite is F`,
    );
  }
  if (result === 'destination_locked') {
    throw new OrigoError(
      'ORIGO_ERR_IMAGE_LOCKED',
      `Source image ${hash} is locked in ${destination.name} and cannot be overwritten`,
    );
  }
  return result.outcome === 'overwritten' ? 'overwritten' : 'created';
}

export interface BatchCopyResult {
  created: string[];
  existing: string[];
  notfound: string[];
}

export async function copyImages(
  deps: ServiceDeps,
  source: Organization,
  body: unknown,
  destination: Organization,
  overwrite: boolean,
): Promise<BatchCopyResult> {
  if (!Array.isArray(body) || body.some((h) => typeof h !== 'string')) {
    throw badDestination(
      'The body must be a JSON array of image hashes, e.g. ["063c3dce6a528d8944a63185bd4c7b161454ee4f"]',
    );
  }
  if (body.length > MAX_BATCH_COPY)
    throw badDestination(`At most ${MAX_BATCH_COPY} images can be copied in one request, got ${body.length}`);
  const result: BatchCopyResult = { created: [], existing: [], notfound: [] };
  for (const hashParam of body as string[]) {
    // A full hash goes to the copy, which checks it; a short one is looked up.
    const lower = hashParam.toLowerCase();
    const hash = isFullHash(lower)
      ? lower
      : isHashLike(lower)
        ? (await deps.catalog.findImage(source.id, lower, false))?.hash
        : undefined;
    if (!hash) {
      result.notfound.push(hashParam);
      continue;
    }
    const copied = await deps.catalog.copyImage(source.id, hash, destination.id, { overwrite, now: deps.now() });
    if (copied === 'source_not_found') result.notfound.push(hashParam);
    else if (copied === 'exists' || copied === 'destination_locked' || copied.outcome === 'overwritten')
      result.existing.push(hash);
    else result.created.push(hash);
  }
  return result;
}
