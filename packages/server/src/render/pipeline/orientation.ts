// rotate and autorotate. Quarter turns keep the areas (mapped along);
// other angles and mirrors drop them, as a rotated box no longer bounds
// the same content.

import type { AutorotateOperation, RotateOperation } from '../normalized.ts';
import { rgba } from './colour.ts';
import { mirrored, turned } from './geometry.ts';
import { materialize, readyFor, type Working } from './working.ts';

async function turnedBy(
  current: Working,
  degrees: number,
  mirror: boolean,
  background: string,
  opacity: number,
): Promise<Working> {
  const angle = ((degrees % 360) + 360) % 360;
  if (angle === 0 && !mirror) return current;
  const w = await readyFor(current, 'other');
  // sharp mirrors before it rotates, the order EXIF orientations are defined in.
  let pipeline = mirror ? w.pipeline.flop() : w.pipeline;
  let toCurrent = mirror && w.toCurrent ? mirrored(w.toCurrent, w.width) : w.toCurrent;
  pipeline = pipeline.rotate(angle, { background: rgba(background, opacity) });
  if (angle % 90 === 0) {
    const quarter = angle / 90;
    const odd = quarter % 2 === 1;
    toCurrent = toCurrent && turned(toCurrent, quarter, w.width, w.height);
    return {
      ...w,
      pipeline,
      width: odd ? w.height : w.width,
      height: odd ? w.width : w.height,
      // A resize or crop joining a rotation runs after it (sharp moves the rotation first); a bare
      // mirror would run after them, so nothing may join it.
      queued: angle === 0 ? ['closed'] : ['crop'],
      toCurrent,
    };
  }
  // Any other angle grows the canvas by an amount sharp decides: run it to learn the size.
  return materialize({ ...w, pipeline, queued: ['crop'], toCurrent: undefined });
}

export function rotate(current: Working, op: RotateOperation): Promise<Working> {
  // sharp adds the alpha channel itself when the corners' colour is not opaque.
  return turnedBy(current, op.angle, false, op.background_color, op.background_opacity);
}

/** EXIF orientation → clockwise degrees, after a left-right mirror when `mirror`. */
const EXIF: Record<number, { degrees: number; mirror: boolean }> = {
  1: { degrees: 0, mirror: false },
  2: { degrees: 0, mirror: true },
  3: { degrees: 180, mirror: false },
  4: { degrees: 180, mirror: true },
  5: { degrees: 270, mirror: true },
  6: { degrees: 90, mirror: false },
  7: { degrees: 90, mirror: true },
  8: { degrees: 270, mirror: false },
};

export async function autorotate(current: Working, op: AutorotateOperation): Promise<Working> {
  const exif = EXIF[current.orientation] ?? EXIF[1]!;
  const odd = exif.degrees % 180 !== 0;
  const width = odd ? current.height : current.width;
  const height = odd ? current.width : current.height;
  let extra = 0;
  if (op.width !== undefined && op.height !== undefined && op.width !== op.height && width !== height) {
    // Turn once more when the upright image and the box disagree on landscape vs portrait.
    if (op.width > op.height !== width > height) extra = op.rotation_direction === 'clockwise' ? 90 : 270;
  }
  const w = await turnedBy(current, exif.degrees + extra, exif.mirror, 'FFFFFF', 100);
  return { ...w, orientation: 1 };
}
