// An animation rendered to an animated format: decode every frame once, run
// the operations on each frame, join the frames with the source's timing.
//
// Operations whose result depends on pixels (trim, smart crop) may size
// frames differently; later frames are then scaled to the first one's size,
// as an animation has one size.

import sharp, { type Metadata } from 'sharp';
import type { RenderInput, RenderOutput } from '../normalized.ts';
import { open } from './decode.ts';
import { encode } from './encode.ts';
import { IDENTITY } from './geometry.ts';
import { applyAll, type OperationContext } from './operation.ts';
import { fromPixels, type Working } from './working.ts';

export async function renderFrames(input: RenderInput, meta: Metadata, ctx: OperationContext): Promise<RenderOutput> {
  const pages = meta.pages ?? 1;
  const strip = await open(input.source, input.limits.inputPixels * pages, { animated: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const width = strip.info.width;
  const frameHeight = meta.pageHeight ?? strip.info.height / pages;
  const frameBytes = width * frameHeight * 4;
  const frames: Buffer[] = [];
  let size: { width: number; height: number } | undefined;
  for (let i = 0; i < pages; i++) {
    const start: Working = {
      pipeline: fromPixels(strip.data.subarray(i * frameBytes, (i + 1) * frameBytes), width, frameHeight, 4),
      width,
      height: frameHeight,
      queued: [],
      toCurrent: IDENTITY,
      orientation: meta.orientation ?? 1,
    };
    const w = await applyAll(start, input, ctx);
    const first = size ?? { width: w.width, height: w.height };
    size = first;
    let pipeline = w.pipeline.toColourspace('srgb').ensureAlpha();
    if (w.width !== first.width || w.height !== first.height) {
      pipeline = sharp(await pipeline.raw().toBuffer(), {
        raw: { width: w.width, height: w.height, channels: 4 },
      }).resize(first.width, first.height, { fit: 'fill' });
    }
    frames.push(await pipeline.raw().toBuffer());
  }
  const out = size ?? { width, height: frameHeight };
  const joined = sharp(Buffer.concat(frames), {
    raw: { width: out.width, height: out.height * frames.length, channels: 4, pageHeight: out.height },
  });
  const { bytes, contentType } = await encode(joined, input.output, { delay: meta.delay, loop: meta.loop });
  return { bytes, contentType, width: out.width, height: out.height };
}
