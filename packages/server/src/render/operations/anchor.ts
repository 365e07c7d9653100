// Anchors (spec §4): where a crop box or a composition sits. rokka writes a
// position as X_Y (`left_top`, `center_center`, `20_40`); `-` is accepted as
// the separator too, because JSON stacks use it (inside a render URL `-`
// already separates keys from values, so URLs use `_`).

import type { Anchor, AnchorPosition } from '../normalized.ts';

/** Pixel offsets as rokka's schema allows them: 0–10000, no leading zeros, no sign. */
const PIXELS = /^(0|[1-9]\d{0,4})$/;
const MAX_PIXELS = 10000;

const NAMED_X = ['left', 'center', 'right'] as const;
const NAMED_Y = ['top', 'center', 'bottom'] as const;

export const POSITION_HINT =
  'X_Y with X left, center, right or pixels and Y top, center, bottom or pixels (like center_center or 20_40)';
export const ANCHOR_HINT = `auto, subjectarea, croparea, smart or ${POSITION_HINT}`;

function pixels(text: string): number | undefined {
  if (!PIXELS.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_PIXELS ? n : undefined;
}

function axisX(text: string): AnchorPosition['x'] | undefined {
  return NAMED_X.find((name) => name === text) ?? pixels(text);
}

function axisY(text: string): AnchorPosition['y'] | undefined {
  return NAMED_Y.find((name) => name === text) ?? pixels(text);
}

/** `left_top`, `center-center`, `20_40`, `right_10` → the position; anything else → undefined. */
export function parsePosition(text: string): AnchorPosition | undefined {
  const parts = text.split(/[_-]/);
  if (parts.length !== 2) return undefined;
  const x = axisX(parts[0]!);
  const y = axisY(parts[1]!);
  if (x === undefined || y === undefined) return undefined;
  return { x, y };
}

/** A crop anchor: one of the named strategies or a position. */
export function parseAnchor(text: string): Anchor | undefined {
  switch (text) {
    case 'auto':
    case 'subjectarea':
    case 'croparea':
    case 'smart':
      return { kind: text };
    default: {
      const position = parsePosition(text);
      return position === undefined ? undefined : { kind: 'position', ...position };
    }
  }
}
