// The synthetic images the search bench seeds (bench/search.ts): a fixed
// pseudo-random mix of formats, sizes and user metadata per organization,
// the same on every run, written in batches through an Importer.

import { createHash } from 'node:crypto';
import { indexRows } from '../../packages/server/src/images/user-metadata.ts';
import type { ImportedImage } from '../../packages/server/src/storage/catalog/catalog.ts';
import type { Storage } from '../../packages/server/src/storage/index.ts';
import type { Importer } from './postgres-seed.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = Date.UTC(2020, 0, 1);

function image(org: string, i: number, random: () => number): ImportedImage {
  const hash = createHash('sha1').update(`${org}:${i}`).digest('hex');
  const kind = random();
  const [format, mimetype] =
    kind < 0.7 ? ['jpg', 'image/jpeg'] : kind < 0.9 ? ['png', 'image/png'] : ['webp', 'image/webp'];
  const tags = new Set<string>();
  const tagCount = 1 + Math.floor(random() * 3);
  while (tags.size < tagCount) tags.add(`tag-${Math.floor(random() * 200)}`);
  const shot = new Date(Date.UTC(2015, 0, 1) + Math.floor(random() * 10 * 365 * 86_400) * 1000);
  const userMetadata = {
    category: `cat-${Math.floor(random() * 50)}`,
    'int:rank': Math.floor(random() * 1_000_000),
    'double:score': Math.round(random() * 1e6) / 1e4,
    'date:shot': `${shot.toISOString().slice(0, 19)}Z`,
    'array:tags': [...tags],
  };
  return {
    hash,
    binaryHash: hash,
    blobKey: hash,
    name: `img-${String(i).padStart(7, '0')}.${format}`,
    format,
    mimetype,
    size: 10_000 + Math.floor(random() * 5_000_000),
    width: 320 + Math.floor(random() * 3680),
    height: 240 + Math.floor(random() * 2760),
    opaque: true,
    animated: false,
    protected: false,
    userMetadata,
    dynamicMetadata: {},
    staticMetadata: {},
    userFieldRows: indexRows(userMetadata),
    created: new Date(BASE + i * 60_000),
  };
}

/** Seeds `images` images into a new organization `org`, `batch` per import; returns the seconds it took. */
export async function seedOrganization(
  storage: Storage,
  importer: Importer,
  org: string,
  seedNumber: number,
  { images, batch: batchSize }: { images: number; batch: number },
): Promise<number> {
  const { id } = await storage.catalog.createOrganization(
    { name: org, displayName: org, billingEmail: 'bench@example.com', masterOrganization: org },
    new Date(),
  );
  const random = mulberry32(seedNumber);
  const started = performance.now();
  for (let from = 0; from < images; from += batchSize) {
    const batch: ImportedImage[] = [];
    for (let i = from; i < Math.min(images, from + batchSize); i++) batch.push(image(org, i, random));
    await importer(storage, id, batch);
    if ((from / batchSize) % 20 === 0) {
      const done = from + batch.length;
      const rate = done / ((performance.now() - started) / 1000);
      process.stderr.write(`  ${org}: ${done.toLocaleString('en')} images, ${Math.round(rate)}/s\n`);
    }
  }
  return (performance.now() - started) / 1000;
}
