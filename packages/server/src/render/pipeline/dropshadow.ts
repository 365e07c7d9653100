// dropshadow: a blurred, tinted copy of the image's alpha shape drawn behind
// it, offset by horizontal/vertical pixels. The canvas grows to hold the
// shadow's offset and blur, so nothing is cut; the added canvas is transparent.

import sharp from 'sharp';
import type { DropshadowOperation } from '../normalized.ts';
import { rgba } from './colour.ts';
import { shifted } from './geometry.ts';
import type { Working } from './working.ts';

/** How far a Gaussian blur visibly spreads: three sigmas. */
function spread(sigma: number): number {
  return Math.ceil(3 * sigma);
}

/** sharp's smallest Gaussian sigma. */
const MIN_SIGMA = 0.3;

function dropshadowCanvas(width: number, height: number, op: DropshadowOperation): { width: number; height: number } {
  const pad = spread(op.sigma);
  return { width: width + 2 * pad + Math.abs(op.horizontal), height: height + 2 * pad + Math.abs(op.vertical) };
}

export async function dropshadow(current: Working, op: DropshadowOperation): Promise<Working> {
  const { data, info } = await current.pipeline
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const pad = spread(op.sigma);
  const colour = rgba(op.color, op.opacity);
  const shape = Buffer.alloc(width * height * 4);
  for (let i = 0; i < shape.length; i += 4) {
    shape[i] = colour.r;
    shape[i + 1] = colour.g;
    shape[i + 2] = colour.b;
    shape[i + 3] = Math.round(data[i + 3]! * colour.alpha);
  }
  const transparent = { r: 0, g: 0, b: 0, alpha: 0 };
  const shadow = await sharp(shape, { raw: { width, height, channels: 4 } })
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: transparent })
    .blur(Math.max(MIN_SIGMA, op.sigma))
    .raw()
    .toBuffer();
  const canvas = dropshadowCanvas(width, height, op);
  // The image sits right/below of the canvas edge by the blur's spread, plus the offset when the shadow goes left/up.
  const imageLeft = pad + Math.max(0, -op.horizontal);
  const imageTop = pad + Math.max(0, -op.vertical);
  const pipeline = sharp({ create: { ...canvas, channels: 4, background: transparent } }).composite([
    {
      input: shadow,
      raw: { width: width + 2 * pad, height: height + 2 * pad, channels: 4 },
      left: imageLeft + op.horizontal - pad,
      top: imageTop + op.vertical - pad,
    },
    { input: data, raw: { width, height, channels: 4 }, left: imageLeft, top: imageTop },
  ]);
  return {
    ...current,
    pipeline,
    ...canvas,
    queued: ['closed'],
    toCurrent: current.toCurrent && shifted(current.toCurrent, imageLeft, imageTop),
  };
}
