// How an upload learns which files the organization already holds. One
// GET per file costs a round trip each; for an organization not much larger
// than the upload, reading its whole listing once (2,000 images a page) is
// far cheaper, so that is done when the listing is small enough.

import type { OrigoClient } from '../client.ts';

export type StoredLookup = (sha1: string) => Promise<string | undefined>;

export interface LookupLimits {
  /** The listing is read when it holds at most max(floor, perFile × files) images. */
  floor: number;
  perFile: number;
}

const DEFAULT_LIMITS: LookupLimits = { floor: 2000, perFile: 4 };

export async function storedLookup(
  client: OrigoClient,
  org: string,
  fileCount: number,
  limits: LookupLimits = DEFAULT_LIMITS,
): Promise<StoredLookup> {
  const perFile: StoredLookup = async (sha1) => (await client.getSourceImagesWithBinaryHash(org, sha1)).items[0]?.hash;
  const { total } = await client.listSourceImages(org, { limit: 1 });
  if (total > Math.max(limits.floor, fileCount * limits.perFile)) return perFile;
  const known = new Map<string, string>();
  for await (const image of client.iterateSourceImages(org, { limit: 2000 })) known.set(image.binary_hash, image.hash);
  // Images stored since the listing was read (another uploader) are found by the server's own dedupe on upload.
  return async (sha1) => known.get(sha1);
}
