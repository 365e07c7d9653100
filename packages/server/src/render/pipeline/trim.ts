// trim: cut away a border of the top-left pixel's colour. rokka's `fuzzy`
// is a percentage of the full channel range; sharp's threshold is the
// allowed difference in 8-bit units.

import type { TrimOperation } from '../normalized.ts';
import { shifted } from './geometry.ts';
import { fromPixels, readyFor, type Working } from './working.ts';

export async function trim(current: Working, op: TrimOperation): Promise<Working> {
  const w = await readyFor(current, 'other');
  // Where the border ends depends on the pixels: run it now to learn the size.
  const { data, info } = await w.pipeline
    .trim({ threshold: (op.fuzzy / 100) * 255 })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  // sharp reports the offset of the kept region as a negative number.
  const left = Math.abs(info.trimOffsetLeft ?? 0);
  const top = Math.abs(info.trimOffsetTop ?? 0);
  return {
    ...w,
    pipeline: fromPixels(data, info.width, info.height, info.channels),
    width: info.width,
    height: info.height,
    queued: [],
    toCurrent: w.toCurrent && shifted(w.toCurrent, -left, -top),
  };
}
