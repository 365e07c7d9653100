// Operations that change colours, not geometry: blur, grayscale, sepia,
// modulate. sharp runs them after all geometry in one instance, so each may
// join a queue holding only resizes and crops (one tone step per pass, as
// sharp's own order among them need not be the stack's).

import type { BlurOperation, ModulateOperation } from '../normalized.ts';
import { readyFor, type Working } from './working.ts';

/** The classic sepia tone: each output channel a weighted sum of R, G, B. */
const SEPIA: [[number, number, number], [number, number, number], [number, number, number]] = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

/** sharp's smallest Gaussian sigma. */
const MIN_SIGMA = 0.3;

async function tone(current: Working, step: (w: Working) => Working['pipeline']): Promise<Working> {
  const w = await readyFor(current, 'tone');
  return { ...w, pipeline: step(w), queued: [...w.queued, 'tone'] };
}

export function blur(current: Working, op: BlurOperation): Promise<Working> {
  if (op.sigma <= 0) return Promise.resolve(current);
  return tone(current, (w) => w.pipeline.blur(Math.max(MIN_SIGMA, op.sigma)));
}

export function grayscale(current: Working): Promise<Working> {
  return tone(current, (w) => w.pipeline.greyscale());
}

export function sepia(current: Working): Promise<Working> {
  return tone(current, (w) => w.pipeline.recomb(SEPIA));
}

export function modulate(current: Working, op: ModulateOperation): Promise<Working> {
  if (op.brightness === 100 && op.saturation === 100 && op.hue % 360 === 0) return Promise.resolve(current);
  return tone(current, (w) =>
    w.pipeline.modulate({ brightness: op.brightness / 100, saturation: op.saturation / 100, hue: Math.round(op.hue) }),
  );
}
