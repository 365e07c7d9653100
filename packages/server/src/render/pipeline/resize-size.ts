// The size a resize produces, computed here rather than left to sharp's fit
// modes, so the output size is known before anything is decoded and the
// areas can follow the scale exactly.
//
// rokka's names are not sharp's: rokka `box` fits inside (sharp 'inside'),
// rokka `fill` covers without cropping (sharp 'outside'), rokka `absolute`
// stretches to exactly width×height (sharp 'fill').

import type { ResizeOperation } from '../normalized.ts';

export interface Size {
  width: number;
  height: number;
}

/**
 * Applies the dpr to a scale factor the way spec §6 tabulates it: `upscale`
 * caps the stack's own factor at 1, then dpr multiplies it, and without
 * `upscale_dpr` the dpr may not take it past max(factor, 1).
 */
function withDpr(factor: number, op: ResizeOperation, dpr: number): number {
  const own = op.upscale ? factor : Math.min(factor, 1);
  const multiplied = own * dpr;
  return op.upscale_dpr ? multiplied : Math.min(multiplied, Math.max(own, 1));
}

function side(length: number, factor: number): number {
  return Math.max(1, Math.round(length * factor));
}

/** The size of a `width`×`height` image after `op` at `dpr`. */
export function resizedSize(width: number, height: number, op: ResizeOperation, dpr: number): Size {
  const fx = op.width === undefined ? undefined : op.width / width;
  const fy = op.height === undefined ? undefined : op.height / height;
  if (op.mode === 'absolute' && fx !== undefined && fy !== undefined) {
    return { width: side(width, withDpr(fx, op, dpr)), height: side(height, withDpr(fy, op, dpr)) };
  }
  // One side given: every mode keeps the aspect ratio.
  const factors = [fx, fy].filter((f): f is number => f !== undefined);
  if (factors.length === 0) return { width, height };
  const factor = withDpr(op.mode === 'fill' ? Math.max(...factors) : Math.min(...factors), op, dpr);
  // The side the box constrains comes out exact, not a rounding of a product.
  return { width: side(width, factor), height: side(height, factor) };
}
