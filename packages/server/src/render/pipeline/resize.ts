// The resize operation on the working image. It always asks sharp for an
// exact size (fit 'fill'), computed in resize-size.ts; on the first pass
// sharp still shrinks a JPEG or WebP on load.

import type { ResizeOperation } from '../normalized.ts';
import { scaled } from './geometry.ts';
import { resizedSize } from './resize-size.ts';
import { readyFor, type Working } from './working.ts';

/** A mild sharpen after downscaling (rokka's `sharpen: true`). */
const MILD_SHARPEN = { sigma: 0.5 };

export async function resize(current: Working, op: ResizeOperation, dpr: number): Promise<Working> {
  const size = resizedSize(current.width, current.height, op, dpr);
  if (size.width === current.width && size.height === current.height && !op.sharpen) return current;
  const w = await readyFor(current, 'resize');
  let pipeline = w.pipeline.resize(size.width, size.height, { fit: 'fill' });
  const queued: Working['queued'] = [...w.queued, 'resize'];
  if (op.sharpen) pipeline = pipeline.sharpen(MILD_SHARPEN);
  return {
    ...w,
    pipeline,
    width: size.width,
    height: size.height,
    // sharpen runs after all geometry: a later crop must start afresh.
    queued: op.sharpen ? [...queued, 'tone'] : queued,
    toCurrent: w.toCurrent && scaled(w.toCurrent, size.width / w.width, size.height / w.height),
  };
}
