// What the render benchmarks share: origo with the source image uploaded,
// the render URL, a supply of distinct URLs for renders that must not come
// from the cache, and the check of one rendered answer.

import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { multipartFrame } from './images.ts';
import { json, ORG, type Origo, type Response, request, startOrigo, tempDir, uploadBuffer } from './origo.ts';
import { photoLikeJpeg, SOURCE_HEIGHT, SOURCE_QUALITY, SOURCE_WIDTH } from './render-source.ts';
import { fmt, log } from './report.ts';

/** The render asked for: rokka's resize (box mode) into 720 x 588, JPEG at the default stack option jpg.quality 80. */
export const RENDER = { width: 720, height: 588, quality: 80 } as const;

export function renderPath(hash: string, seo = ''): string {
  return `/render/${ORG}/dynamic/resize-width-${RENDER.width}-height-${RENDER.height}/${hash}${seo}.jpg`;
}

export interface RenderSetup {
  origo: Origo;
  hash: string;
  /** The uploaded JPEG, and a file holding it (for the sharp baseline). */
  source: Buffer;
  sourceFile: string;
}

/** origo with no budget of uncached renders (ORIGO_RENDERS_PER_MINUTE=0) and the source JPEG uploaded. */
export async function startRenderOrigo(): Promise<RenderSetup> {
  const source = await photoLikeJpeg();
  const work = tempDir('origo-bench-render-');
  const sourceFile = path.join(work, 'source.jpg');
  writeFileSync(sourceFile, source);
  const origo = await startOrigo({ ORIGO_RENDERS_PER_MINUTE: '0' });
  try {
    const up = await uploadBuffer(origo.child.url, multipartFrame('photo.jpg'), source);
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
    const hash = json<{ items: { hash: string }[] }>(up).items[0]!.hash;
    log(
      `  source: ${SOURCE_WIDTH}x${SOURCE_HEIGHT} JPEG q${SOURCE_QUALITY}, ${fmt(source.length)} bytes (gradients, smooth noise at three scales, grain), hash ${hash}`,
    );
    return { origo, hash, source, sourceFile };
  } catch (err) {
    await origo.close();
    throw err;
  }
}

/** Throws unless `res` is a 200 JPEG that decodes to width x height. */
export async function checkRendered(label: string, res: Response, width: number, height: number): Promise<void> {
  const type = res.headers['content-type'];
  if (res.status !== 200 || type !== 'image/jpeg') {
    throw new Error(`${label}: ${res.status} ${type}: ${res.body.subarray(0, 300).toString()}`);
  }
  const meta = await sharp(res.body).metadata();
  if (meta.format !== 'jpeg' || meta.width !== width || meta.height !== height) {
    throw new Error(`${label}: decoded as ${meta.format} ${meta.width}x${meta.height}, not jpeg ${width}x${height}`);
  }
}

/** Regular files under `dir`: origo keeps each render it makes as one file, so the count rises by one per render. */
export function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}

/** How each request is made distinct, so that none is answered from the render cache. */
export type Distinction = 'cache buster' | 'resize size';

/**
 * An endless supply of render paths no earlier one equals. By cache buster:
 * the SEO name `pic-v<N>` (spec §2: same image, fresh render) on the same
 * operations; by resize size: 720x588, 719x588, … (each a different render,
 * slightly smaller), for a server where the cache buster is not in effect.
 */
export class DistinctRenders {
  private n = 0;
  constructor(
    private readonly hash: string,
    readonly by: Distinction,
  ) {}

  next(): { path: string; width: number; height: number } {
    const n = ++this.n;
    if (this.by === 'cache buster') {
      return { path: renderPath(this.hash, `/pic-v${n}`), width: RENDER.width, height: RENDER.height };
    }
    const width = RENDER.width - (n % 360);
    const height = RENDER.height - (Math.floor(n / 360) % 294);
    return {
      path: `/render/${ORG}/dynamic/resize-width-${width}-height-${height}/${this.hash}.jpg`,
      width,
      height,
    };
  }

  /** `count` paths for one run of the load engine. */
  take(count: number): { path: string }[] {
    return Array.from({ length: count }, () => ({ path: this.next().path }));
  }
}

/**
 * Whether a cache-busted URL is rendered afresh: renders the plain URL
 * (which may or may not be cached yet), then `pic-v0` of it; a fresh render
 * shows as `X-Origo-Render: render` and as one more file in the data folder.
 */
export async function cacheBusterWorks(setup: RenderSetup): Promise<{ works: boolean; why: string }> {
  const url = setup.origo.child.url;
  const plain = await request(url, 'GET', renderPath(setup.hash));
  await checkRendered('plain render', plain, RENDER.width, RENDER.height);
  const files0 = countFiles(setup.origo.dataDir);
  const busted = await request(url, 'GET', renderPath(setup.hash, '/pic-v0'));
  await checkRendered('cache-busted render', busted, RENDER.width, RENDER.height);
  const kept = countFiles(setup.origo.dataDir) - files0;
  const source = busted.headers['x-origo-render'];
  const works = source === undefined ? kept === 1 : source === 'render';
  return { works, why: `X-Origo-Render: ${source ?? '(none)'}, ${kept} render file(s) kept` };
}
