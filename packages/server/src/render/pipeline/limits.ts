// The size a render may reach (spec §8): 10000 px a side and the configured
// pixel count, checked on the planned size before any pixels are made.

import { OrigoError } from '../../errors.ts';

const MAX_SIDE = 10000;

export function checkSize(width: number, height: number, maxPixels: number, what: string): void {
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new OrigoError(
      'ORIGO_ERR_RENDER_TOO_MANY_PIXELS',
      `${what} would be ${width}×${height} pixels; a render may be at most ${MAX_SIDE} pixels a side`,
    );
  }
  if (width * height > maxPixels) {
    throw new OrigoError(
      'ORIGO_ERR_RENDER_TOO_MANY_PIXELS',
      `${what} would be ${width}×${height} = ${width * height} pixels; a render may have at most ${maxPixels} pixels`,
    );
  }
}
