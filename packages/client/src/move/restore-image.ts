// Puts one image into the target organization so that it comes out as it was
// at the source: one upload carries the name, user and dynamic metadata and
// the protected flag (so the server computes the same hash in one step and no
// intermediate image is left behind), then the lock is set, last, because a
// locked image refuses metadata changes.

import type { MovedImage, MoveEndpoint, OriginalData } from './endpoint.ts';

export interface RestoreResult {
  /** True when something was written; false when the image was already there as it should be. */
  written: boolean;
}

/** Uploads `data` as `image` into `org` of `target`; throws when the stored hash differs from the image's. */
export async function restoreImage(
  target: MoveEndpoint,
  org: string,
  image: MovedImage,
  data: OriginalData,
): Promise<void> {
  const stored = await target.upload(org, {
    name: image.name,
    data,
    userMetadata: image.user_metadata ?? {},
    dynamicMetadata: image.dynamic_metadata ?? {},
    protected: image.protected === true,
  });
  if (stored.hash !== image.hash) {
    throw new Error(
      `the target stored it under hash ${stored.hash}, not ${image.hash}: its dynamic metadata or protected flag ` +
        'hash differently there (rokka and origo agree only on images without them)',
    );
  }
  await lockLike(target, org, image, stored);
}

/**
 * When the image already exists in the target (an earlier run, or the same
 * bytes uploaded by hand) nothing is uploaded; only a lock an interrupted run
 * did not get to set is put right. Answers whether the image was there.
 */
export async function alreadyRestored(
  target: MoveEndpoint,
  org: string,
  image: MovedImage,
): Promise<RestoreResult | undefined> {
  const existing = await target.find(org, image.hash);
  if (existing === undefined) return undefined;
  return { written: await lockLike(target, org, image, existing) };
}

async function lockLike(target: MoveEndpoint, org: string, image: MovedImage, stored: MovedImage): Promise<boolean> {
  const wanted = image.locked === true;
  if ((stored.locked === true) === wanted) return false;
  await target.setLocked(org, stored.hash, wanted);
  return true;
}
