// The library the dashboard bench opens: an organization of many images and
// a user who may sign in to it. Only the newest images (the ones the first
// pages show) are full-size photo-like JPEGs, rendered for real; the rest are
// small, because what they cost the dashboard is their rows in the listing.

import { multipartFrame, smallJpeg, withComment } from './images.ts';
import { AUTH, json, ORG, request, uploadBuffer } from './origo.ts';
import { photoLikeJpeg } from './render-source.ts';
import { log } from './report.ts';

export interface SeededLibrary {
  /** A key of a member of ORG with the admin role, to sign in with. */
  apiKey: string;
  /** Hashes of the photo-like images, newest first. */
  photoHashes: string[];
}

/** Uploads `count(i)` images at `concurrency`, in order of i, so later ones are newer. */
async function uploadAll(
  base: string,
  count: number,
  bytesOf: (i: number) => Buffer,
  nameOf: (i: number) => string,
  concurrency: number,
): Promise<string[]> {
  const hashes: string[] = new Array(count);
  let next = 0;
  async function worker(): Promise<void> {
    for (let i = next++; i < count; i = next++) {
      const res = await uploadBuffer(base, multipartFrame(nameOf(i)), bytesOf(i));
      if (res.status !== 200) throw new Error(`upload ${i}: ${res.status} ${res.body.toString()}`);
      hashes[i] = json<{ items: { hash: string }[] }>(res).items[0]!.hash;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return hashes;
}

export async function seedLibrary(base: string, total: number, photos: number): Promise<SeededLibrary> {
  const t0 = performance.now();
  const small = await smallJpeg(7);
  await uploadAll(
    base,
    total - photos,
    (i) => withComment(small, `small ${i}`),
    (i) => `small-${String(i).padStart(5, '0')}.jpg`,
    4,
  );
  // The photos go last, so that newest first (the library's order) shows them.
  const photo = await photoLikeJpeg(1600, 1200, 85);
  const photoHashes = await uploadAll(
    base,
    photos,
    (i) => withComment(photo, `photo ${i}`),
    (i) => `photo-${String(i).padStart(4, '0')}.jpg`,
    4,
  );
  log(`  seeded ${total} images (${photos} photo-like 1600x1200) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const res = await request(base, 'POST', `/organizations/${ORG}/memberships`, {
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ roles: ['admin'] })),
  });
  if (res.status !== 201) throw new Error(`creating the member: ${res.status} ${res.body.toString()}`);
  return { apiKey: json<{ api_key: string }>(res).api_key, photoHashes: photoHashes.reverse() };
}
