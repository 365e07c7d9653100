// renderImage: source bytes + normalized operations → encoded render.
//
// A still image (or the first frame of an animation rendered to jpg, png,
// avif or heic) goes through the operations as one sharp pipeline that is run
// only where sharp's own step order would differ from the stack's (see
// working.ts). An animation rendered to gif or webp is decoded once, each
// frame goes through the operations, and the frames are joined again.

import type { Metadata } from 'sharp';
import { OrigoError } from '../../errors.ts';
import type { RenderInput, RenderOutput } from '../normalized.ts';
import { header, open, renderFailure } from './decode.ts';
import { encode } from './encode.ts';
import { renderFrames } from './frames.ts';
import { IDENTITY } from './geometry.ts';
import { applyAll, type OperationContext } from './operation.ts';
import { materialize, type Working } from './working.ts';

function context(input: RenderInput): OperationContext {
  const loaded = new Map<string, Promise<{ source: Buffer; image: { hash: string } }>>();
  return {
    image: input.image,
    dpr: input.output.dpr,
    // Loaded once per render, however many frames use it.
    openSecondary: async (hash) => {
      let pending = loaded.get(hash);
      if (pending === undefined) {
        pending = input.loadImage(hash);
        loaded.set(hash, pending);
      }
      const { source } = await pending;
      return open(source, input.limits.inputPixels);
    },
  };
}

function isAnimatedOutput(input: RenderInput, meta: Metadata): boolean {
  return (meta.pages ?? 1) > 1 && (input.output.format === 'gif' || input.output.format === 'webp');
}

async function renderStill(input: RenderInput, meta: Metadata, ctx: OperationContext): Promise<RenderOutput> {
  const start: Working = {
    pipeline: open(input.source, input.limits.inputPixels),
    width: meta.width,
    height: meta.pageHeight ?? meta.height,
    queued: [],
    toCurrent: IDENTITY,
    orientation: meta.orientation ?? 1,
  };
  const done = await applyAll(start, input, ctx);
  // sharp flattens early in its order; a queued composite would add transparency after it.
  const w = input.output.format === 'jpg' && done.queued.includes('closed') ? await materialize(done) : done;
  const { bytes, contentType } = await encode(w.pipeline, input.output);
  return { bytes, contentType, width: w.width, height: w.height };
}

export async function renderImage(input: RenderInput): Promise<RenderOutput> {
  const meta = await header(input.source, input.image.hash);
  const pages = meta.pages ?? 1;
  if (pages > 1 && pages > input.limits.frames && isAnimatedOutput(input, meta)) {
    throw new OrigoError(
      'ORIGO_ERR_RENDER_TOO_MANY_PIXELS',
      `Image ${input.image.hash} has ${pages} frames; an animated render may have at most ${input.limits.frames}`,
    );
  }
  try {
    const ctx = context(input);
    return isAnimatedOutput(input, meta) ? await renderFrames(input, meta, ctx) : await renderStill(input, meta, ctx);
  } catch (err) {
    throw renderFailure(err, input.image.hash);
  }
}
