// Where the source image's areas (subject area, crop area, multi_areas) are
// in the image being rendered. Areas are stored in source coordinates; every
// resize, crop and quarter turn moves them, so the pipeline carries a map
// from source to current coordinates and applies it when a crop asks.

import type { Area } from '../model.ts';

/**
 * An affine map from source to current pixels: x' = a·x + b·y + c, y' = d·x + e·y + f.
 * Only scales, translations and quarter turns are ever composed, so areas stay axis-aligned.
 */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export const IDENTITY: Affine = { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 };

/** `first`, then `then`. */
function compose(first: Affine, then: Affine): Affine {
  return {
    a: then.a * first.a + then.b * first.d,
    b: then.a * first.b + then.b * first.e,
    c: then.a * first.c + then.b * first.f + then.c,
    d: then.d * first.a + then.e * first.d,
    e: then.d * first.b + then.e * first.e,
    f: then.d * first.c + then.e * first.f + then.f,
  };
}

export function scaled(map: Affine, sx: number, sy: number): Affine {
  return compose(map, { a: sx, b: 0, c: 0, d: 0, e: sy, f: 0 });
}

export function shifted(map: Affine, dx: number, dy: number): Affine {
  return compose(map, { a: 1, b: 0, c: dx, d: 0, e: 1, f: dy });
}

/** A clockwise quarter turn (`turns` of 90°) of an image `width`×`height` (its size before turning). */
export function turned(map: Affine, turns: number, width: number, height: number): Affine {
  const q = ((turns % 4) + 4) % 4;
  if (q === 1) return compose(map, { a: 0, b: -1, c: height, d: 1, e: 0, f: 0 });
  if (q === 2) return compose(map, { a: -1, b: 0, c: width, d: 0, e: -1, f: height });
  if (q === 3) return compose(map, { a: 0, b: 1, c: 0, d: -1, e: 0, f: width });
  return map;
}

/** A left-right mirror of an image `width` wide. */
export function mirrored(map: Affine, width: number): Affine {
  return compose(map, { a: -1, b: 0, c: width, d: 0, e: 1, f: 0 });
}

/** The area in current coordinates (the box around its mapped corners). */
export function mapArea(map: Affine, area: Area): Area {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [
    [area.x, area.y],
    [area.x + area.width, area.y],
    [area.x, area.y + area.height],
    [area.x + area.width, area.y + area.height],
  ] as const) {
    xs.push(map.a * x + map.b * y + map.c);
    ys.push(map.d * x + map.e * y + map.f);
  }
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
