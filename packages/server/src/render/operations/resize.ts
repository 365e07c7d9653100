// resize (spec §4). rokka's mode names differ from sharp's: `box` fits inside,
// `fill` covers without cropping, `absolute` ignores the aspect ratio; the
// pipeline maps them.

import { defineOperation } from './define.ts';
import { boolean, choice, integer } from './option-kinds.ts';

export const RESIZE_MODES = ['box', 'absolute', 'fill'] as const;

export const resize = defineOperation({
  name: 'resize',
  description: 'Resizes an image. At least width or height is needed.',
  options: {
    width: integer({ min: 1, max: 10000, description: 'Width of resize.' }),
    height: integer({ min: 1, max: 10000, description: 'Height of resize.' }),
    mode: choice({
      values: RESIZE_MODES,
      default: 'box',
      description: 'box fits inside width×height, fill covers it (keeping the aspect ratio), absolute is exactly it.',
    }),
    upscale: boolean({ default: true, description: 'Allow the result to be bigger than the original.' }),
    upscale_dpr: boolean({
      default: true,
      description: 'With the dpr stack option, allow the result to be dpr times bigger, even if upscale is false.',
    }),
    sharpen: boolean({ default: false, description: 'Sharpen the image when it is made smaller.' }),
  },
  oneOf: ['width', 'height'],
  build: (v) => ({
    name: 'resize',
    width: v.width,
    height: v.height,
    mode: v.mode,
    upscale: v.upscale,
    upscale_dpr: v.upscale_dpr,
    sharpen: v.sharpen,
  }),
});
