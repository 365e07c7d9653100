// The render operations the image page shows: a preview that fits a box,
// and crops that follow the saved subject area (docs/reference/rendering.md:
// `anchor: auto` centres a crop on the subject area when there is one).

import type { RenderOperation } from 'origo-client';

/** Fits the image into size × size without enlarging it: the page's large preview. */
export function previewOperations(size: number): RenderOperation[] {
  return [{ name: 'resize', options: { width: size, height: size, mode: 'box', upscale: false } }];
}

/** Covers width × height, then cuts that box around the subject area (the centre without one). */
export function cropOperations(width: number, height: number): RenderOperation[] {
  return [
    { name: 'resize', options: { width, height, mode: 'fill' } },
    { name: 'crop', options: { width, height, anchor: 'auto' } },
  ];
}
