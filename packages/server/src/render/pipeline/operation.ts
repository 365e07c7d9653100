// The normalized operations applied to the working image, one by one.

import type { ImageFacts } from '../model.ts';
import type { NormalizedOperation, RenderInput } from '../normalized.ts';
import { alpha } from './alpha.ts';
import { composition, type OpenSecondary } from './composition.ts';
import { crop } from './crop.ts';
import { dropshadow } from './dropshadow.ts';
import { checkSize } from './limits.ts';
import { autorotate, rotate } from './orientation.ts';
import { resize } from './resize.ts';
import { blur, grayscale, modulate, sepia } from './tone.ts';
import { trim } from './trim.ts';
import type { Working } from './working.ts';

export interface OperationContext {
  image: ImageFacts;
  /** Output dpr: multiplies resize sizes. */
  dpr: number;
  openSecondary: OpenSecondary;
}

export function applyOperation(w: Working, op: NormalizedOperation, ctx: OperationContext): Promise<Working> {
  switch (op.name) {
    case 'resize':
      return resize(w, op, ctx.dpr);
    case 'crop':
      return crop(w, op, ctx.image);
    case 'rotate':
      return rotate(w, op);
    case 'autorotate':
      return autorotate(w, op);
    case 'blur':
      return blur(w, op);
    case 'grayscale':
      return grayscale(w);
    case 'sepia':
      return sepia(w);
    case 'trim':
      return trim(w, op);
    case 'modulate':
      return modulate(w, op);
    case 'alpha':
      return alpha(w, op);
    case 'dropshadow':
      return dropshadow(w, op);
    case 'composition':
      return composition(w, op, ctx.openSecondary);
    case 'noop':
      return Promise.resolve(w);
  }
}

/** Runs the operations in order, refusing as soon as a planned size is over the limits. */
export async function applyAll(start: Working, input: RenderInput, ctx: OperationContext): Promise<Working> {
  let w = start;
  for (const op of input.operations) {
    w = await applyOperation(w, op, ctx);
    checkSize(
      w.width,
      w.height,
      input.limits.outputPixels,
      `The render of image ${input.image.hash} (after ${op.name})`,
    );
  }
  // An empty stack renders the stored size, which may itself be over the output limits.
  if (input.operations.length === 0) {
    checkSize(w.width, w.height, input.limits.outputPixels, `The render of image ${input.image.hash}`);
  }
  return w;
}
