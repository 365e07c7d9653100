// The image between operations: a sharp pipeline not yet run, the size it
// will have, and what is queued in it.
//
// sharp runs the steps of one instance in its own fixed order (rotate, trim,
// extract, resize, extract, …, blur, recomb, modulate, sharpen, composite),
// not in call order. So an operation may join the queued pipeline only where
// sharp's order and the stack's order agree; otherwise the queue is run to raw
// pixels first and the operation starts a fresh instance from them. The
// common stacks (resize; resize then crop; crop then resize) stay one pass
// from the encoded source, so sharp can shrink on load.

import sharp, { type Sharp } from 'sharp';
import type { Affine } from './geometry.ts';

/**
 * What a queued step is, as far as sharp's order is concerned. `closed`: a
 * step sharp runs last (composite) or out of order (a bare mirror), after
 * which nothing may join.
 */
export type Stage = 'crop' | 'resize' | 'tone' | 'closed';

export interface Working {
  pipeline: Sharp;
  /** Size the queued pipeline produces (of one frame). */
  width: number;
  height: number;
  /** Steps queued in `pipeline` since it was last run, in stack order. */
  queued: readonly Stage[];
  /** Source → current coordinates, or undefined once an operation made the areas meaningless. */
  toCurrent: Affine | undefined;
  /** The EXIF orientation not applied yet (1 once autorotate ran or when the pixels are upright). */
  orientation: number;
}

/**
 * Whether `stage` may join the queue and still run in stack order. sharp does
 * a crop before a resize when extract() came first, and another after it when
 * it came later; tone operations (blur, colour) run after all geometry.
 */
export function canJoin(queued: readonly Stage[], stage: Stage | 'other'): boolean {
  if (queued.length === 0) return true;
  if (queued.includes('tone') || queued.includes('closed')) return false;
  if (stage === 'tone') return true;
  if (stage === 'resize') return queued.length === 1 && queued[0] === 'crop';
  if (stage === 'crop') return queued[queued.length - 1] === 'resize';
  return false;
}

/** Runs the queue to raw sRGB pixels and starts a fresh pipeline from them. */
export async function materialize(w: Working): Promise<Working> {
  const { data, info } = await w.pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return {
    ...w,
    pipeline: sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }),
    width: info.width,
    height: info.height,
    queued: [],
  };
}

/** The working image ready to take a step of `stage`: the queue itself if it may join, else fresh pixels. */
export async function readyFor(w: Working, stage: Stage | 'other'): Promise<Working> {
  return canJoin(w.queued, stage) ? w : materialize(w);
}

export function fromPixels(data: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4): Sharp {
  return sharp(data, { raw: { width, height, channels } });
}
