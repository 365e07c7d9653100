// The subject area a pointer draws on the preview, in the image's own
// pixels: the preview is scaled, the stored area is not
// (docs/reference/dynamic-metadata.md: whole numbers, inside the image).

import type { Area } from 'origo-client';

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Below this many screen pixels of movement a drag is a click: a focus point. */
export const CLICK_TOLERANCE = 4;

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/**
 * The area between two points on the preview (`displayed` is its size on screen), in
 * image pixels: whole, at least 1 × 1 and inside the image. A drag shorter than
 * CLICK_TOLERANCE is a focus point, a 1 × 1 area where the pointer went down.
 */
export function areaFromDrag(start: Point, end: Point, displayed: Size, image: Size): Area {
  const sx = image.width / displayed.width;
  const sy = image.height / displayed.height;
  const toImage = (p: Point) => ({
    x: clamp(p.x * sx, 0, image.width),
    y: clamp(p.y * sy, 0, image.height),
  });
  const a = toImage(start);
  if (Math.abs(end.x - start.x) < CLICK_TOLERANCE && Math.abs(end.y - start.y) < CLICK_TOLERANCE) {
    return {
      x: clamp(Math.floor(a.x), 0, image.width - 1),
      y: clamp(Math.floor(a.y), 0, image.height - 1),
      width: 1,
      height: 1,
    };
  }
  const b = toImage(end);
  const x = clamp(Math.round(Math.min(a.x, b.x)), 0, image.width - 1);
  const y = clamp(Math.round(Math.min(a.y, b.y)), 0, image.height - 1);
  const right = clamp(Math.round(Math.max(a.x, b.x)), x + 1, image.width);
  const bottom = clamp(Math.round(Math.max(a.y, b.y)), y + 1, image.height);
  return { x, y, width: right - x, height: bottom - y };
}

/** The area as CSS percentages of the image, for an overlay that scales with the preview. */
export function overlayStyle(area: Area, image: Size): Record<string, string> {
  const pct = (value: number, of: number) => `${(area.percentage ? value : (value / of) * 100).toFixed(3)}%`;
  return {
    left: pct(area.x, image.width),
    top: pct(area.y, image.height),
    width: pct(area.width, image.width),
    height: pct(area.height, image.height),
  };
}

/** Whether two areas are the same box. */
export function sameArea(a: Area | undefined, b: Area | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height && !!a.percentage === !!b.percentage
  );
}
