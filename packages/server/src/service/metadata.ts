// User metadata (spec §2.6–2.12, §3) and dynamic metadata (§2.4, §2.5, §4).

import { OrigoError } from '../errors.ts';
import { normalizeDynamic, requireDynamicName } from '../images/dynamic-metadata.ts';
import { imageHash, type PhpValue, phpSerialize } from '../images/hash.ts';
import {
  findUserField,
  indexRows,
  mergeUserMetadata,
  removeUserField,
  replaceUserMetadata,
  setUserField,
  type UserField,
  type UserValue,
} from '../images/user-metadata.ts';
import type { DerivedTarget, ImageRecord, JsonObject, Organization } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';
import { booleanBody, getImage, imageNotFound, lockedError, resolveHash } from './images.ts';

async function updateUser(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  change: (current: JsonObject) => Record<string, UserValue>,
): Promise<JsonObject> {
  const hash = await resolveHash(deps, org, hashParam);
  const result = await deps.catalog.updateUserMetadata(org.id, hash, (current) => {
    const metadata = change(current);
    return { metadata, rows: indexRows(metadata), previous: indexRows(current) };
  });
  if (result === 'not_found') throw imageNotFound(org, hashParam);
  if (result === 'locked') throw lockedError({ hash }, 'changing its user metadata');
  return result;
}

export const userMetadata = {
  replace: (deps: ServiceDeps, org: Organization, hash: string, body: unknown) =>
    updateUser(deps, org, hash, () => replaceUserMetadata(body)),
  merge: (deps: ServiceDeps, org: Organization, hash: string, body: unknown) =>
    updateUser(deps, org, hash, (current) => mergeUserMetadata(current, body)),
  clear: (deps: ServiceDeps, org: Organization, hash: string) => updateUser(deps, org, hash, () => ({})),
  setField: (deps: ServiceDeps, org: Organization, hash: string, key: string, value: unknown) =>
    updateUser(deps, org, hash, (current) => setUserField(current, key, value)),
  removeField: (deps: ServiceDeps, org: Organization, hash: string, key: string) =>
    updateUser(deps, org, hash, (current) => removeUserField(current, key)),
  async getField(deps: ServiceDeps, org: Organization, hash: string, key: string): Promise<UserField> {
    const image = await getImage(deps, org, hash);
    const field = findUserField(image.userMetadata, key);
    if (!field) {
      throw new OrigoError(
        'ORIGO_ERR_IMAGE_NOT_FOUND',
        `Source image ${image.hash} has no user metadata field ${JSON.stringify(key)}`,
      );
    }
    return field;
  },
};

export interface DynamicOptions {
  deletePrevious: boolean;
  keepHash: boolean;
}

export type DynamicOutcome =
  | { kind: 'unchanged'; image: ImageRecord }
  | { kind: 'kept_hash'; image: ImageRecord }
  | { kind: 'changed'; image: ImageRecord };

const same = (a: JsonObject, b: JsonObject) => phpSerialize(a as PhpValue) === phpSerialize(b as PhpValue);

/**
 * Sets (definition given) or removes (undefined) dynamic metadata `name`:
 * the image with the resulting hash is found, restored or made from this
 * one (spec §2.4).
 */
export async function changeDynamicMetadata(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  name: string,
  definition: unknown,
  options: DynamicOptions,
): Promise<DynamicOutcome> {
  if (options.deletePrevious && options.keepHash) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_PARAMETER', 'deletePrevious and keepHash cannot both be true');
  }
  const image = await getImage(deps, org, hashParam);
  const entries = new Map(Object.entries(image.dynamicMetadata));
  // Like PUT, a DELETE of a misspelt name is an error, not a silent "nothing changed".
  if (definition === undefined) entries.delete(requireDynamicName(name));
  else entries.set(name, normalizeDynamic(name, definition, image));
  const dynamicMetadata: JsonObject = Object.fromEntries(entries);

  if (same(dynamicMetadata, image.dynamicMetadata)) return { kind: 'unchanged', image };

  const hash = imageHash(image.binaryHash, dynamicMetadata as Record<string, PhpValue>, image.protected);
  // keepHash, or an image made with keepHash earlier whose change leads back to its own hash.
  if (options.keepHash || hash === image.hash) {
    const result = await deps.catalog.setDynamicMetadataInPlace(org.id, image.hash, dynamicMetadata);
    if (result === 'not_found') throw imageNotFound(org, hashParam);
    if (result === 'locked') throw lockedError(image, 'changing its dynamic metadata in place (keepHash)');
    return { kind: options.keepHash ? 'kept_hash' : 'changed', image: result };
  }

  return {
    kind: 'changed',
    image: await derive(
      deps,
      org,
      hashParam,
      image,
      { hash, dynamicMetadata, protected: image.protected },
      options.deletePrevious,
    ),
  };
}

/** Finds, restores or makes the image `target` from `image` (catalog.deriveImage), with deletePrevious. */
async function derive(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  image: ImageRecord,
  target: DerivedTarget,
  deletePrevious: boolean,
): Promise<ImageRecord> {
  const result = await deps.catalog.deriveImage(org.id, image.hash, target, { deletePrevious, now: deps.now() });
  if (result === 'source_not_found') throw imageNotFound(org, hashParam);
  if (result === 'source_locked') throw lockedError(image, 'deleting it (deletePrevious)');
  return result.image;
}

/**
 * Protects or unprotects an image (spec §2.22). The flag is part of the hash,
 * so a change finds, restores or makes the image with the other hash.
 */
export async function setProtected(
  deps: ServiceDeps,
  org: Organization,
  hashParam: string,
  value: unknown,
  deletePrevious: boolean,
): Promise<{ changed: boolean; image: ImageRecord }> {
  const protect = booleanBody(value);
  const image = await getImage(deps, org, hashParam);
  if (image.protected === protect) return { changed: false, image };
  const hash = imageHash(image.binaryHash, image.dynamicMetadata as Record<string, PhpValue>, protect);
  return {
    changed: true,
    image: await derive(
      deps,
      org,
      hashParam,
      image,
      { hash, dynamicMetadata: image.dynamicMetadata, protected: protect },
      deletePrevious,
    ),
  };
}
