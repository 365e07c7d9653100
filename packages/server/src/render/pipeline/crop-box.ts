// Where a crop cuts, in current pixels (pure). Spec §5: `auto` centres the
// box on the subject area, else cuts the crop area exactly, else uses the
// fallback position (never smart); a named multi_areas entry replaces the
// image's own areas when it exists. origo: a box is centred on the area's
// centre and clamped to the image.

import type { Area } from '../model.ts';
import type { AnchorPosition, CropOperation } from '../normalized.ts';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The areas a crop may use, already in current coordinates. */
export interface CropAreas {
  subjectArea: Area | undefined;
  cropArea: Area | undefined;
}

/** How large the box is: the mode's size, then `scale` percent of it, never more than the image. */
function cropSize(
  width: number,
  height: number,
  op: CropOperation,
  subject: Area | undefined,
): { width: number; height: number } {
  let w = op.width;
  let h = op.height;
  if (op.mode === 'ratio' || (op.mode === 'area' && subject === undefined)) {
    const fit = Math.min(width / op.width, height / op.height);
    w = op.width * fit;
    h = op.height * fit;
  } else if (op.mode === 'box' && subject !== undefined) {
    w = subject.width;
    h = subject.height;
  } else if (op.mode === 'area' && subject !== undefined) {
    // The smallest box of the requested aspect that holds the subject area.
    const grow = Math.max(subject.width / op.width, subject.height / op.height);
    w = op.width * grow;
    h = op.height * grow;
    const fit = Math.min(1, width / w, height / h);
    w *= fit;
    h *= fit;
  }
  const scale = op.scale / 100;
  return {
    width: clampInt(Math.round(w * scale), 1, width),
    height: clampInt(Math.round(h * scale), 1, height),
  };
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The left/top of a box of `size` at a named or pixel position, clamped to the image. */
function placed(image: number, size: number, at: 'left' | 'top' | 'center' | 'right' | 'bottom' | number): number {
  let offset: number;
  if (at === 'left' || at === 'top') offset = 0;
  else if (at === 'right' || at === 'bottom') offset = image - size;
  else if (at === 'center') offset = (image - size) / 2;
  else offset = at;
  return clampInt(Math.round(offset), 0, image - size);
}

function atPosition(width: number, height: number, size: { width: number; height: number }, p: AnchorPosition): Box {
  return { left: placed(width, size.width, p.x), top: placed(height, size.height, p.y), ...size };
}

function centredOn(width: number, height: number, size: { width: number; height: number }, area: Area): Box {
  const cx = area.x + area.width / 2;
  const cy = area.y + area.height / 2;
  return {
    left: clampInt(Math.round(cx - size.width / 2), 0, width - size.width),
    top: clampInt(Math.round(cy - size.height / 2), 0, height - size.height),
    ...size,
  };
}

/** The area cut exactly, within the image (at least 1×1). */
function exactly(width: number, height: number, area: Area): Box {
  const left = clampInt(Math.round(area.x), 0, width - 1);
  const top = clampInt(Math.round(area.y), 0, height - 1);
  return {
    left,
    top,
    width: clampInt(Math.round(area.x + area.width) - left, 1, width - left),
    height: clampInt(Math.round(area.y + area.height) - top, 1, height - top),
  };
}

/** Shifts an area by movearea_x/y, a percentage of its own width and height. */
function moved(area: Area | undefined, op: CropOperation): Area | undefined {
  if (area === undefined || (op.movearea_x === 0 && op.movearea_y === 0)) return area;
  return {
    ...area,
    x: area.x + (area.width * op.movearea_x) / 100,
    y: area.y + (area.height * op.movearea_y) / 100,
  };
}

/**
 * The box to cut, or `smart` when sharp's attention strategy must place a box
 * of the returned size.
 */
export function cropBox(
  width: number,
  height: number,
  op: CropOperation,
  areas: CropAreas,
): Box | { smart: { width: number; height: number } } {
  const subject = moved(areas.subjectArea, op);
  const cropArea = moved(areas.cropArea, op);
  const size = cropSize(width, height, op, subject);
  const anchor = op.anchor;
  if (anchor.kind === 'smart') return { smart: size };
  if (anchor.kind === 'position') return atPosition(width, height, size, anchor);
  const useSubject = anchor.kind === 'auto' || anchor.kind === 'subjectarea';
  const useCropArea = anchor.kind === 'auto' || anchor.kind === 'croparea';
  if (useSubject && subject !== undefined) return centredOn(width, height, size, subject);
  if (useCropArea && cropArea !== undefined) return exactly(width, height, cropArea);
  return atPosition(width, height, size, op.fallback);
}
