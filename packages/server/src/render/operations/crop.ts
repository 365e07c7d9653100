// crop (spec §4, §5): width and height are always needed; in `ratio` mode
// they are a ratio, not pixels. How anchors and areas place the box is the
// pipeline's business; here they are only read.

import { defineOperation } from './define.ts';
import { anchor, choice, integer, number, position, text } from './option-kinds.ts';

export const CROP_MODES = ['absolute', 'ratio', 'box', 'area'] as const;

export const crop = defineOperation({
  name: 'crop',
  description: 'Crops an image to a set size.',
  options: {
    width: integer({ min: 1, max: 99999, required: true, description: 'Width to crop to.' }),
    height: integer({ min: 1, max: 99999, required: true, description: 'Height to crop to.' }),
    anchor: anchor({
      default: 'auto',
      description:
        'Where to crop: auto, subjectarea, croparea, smart or X_Y (left|center|right or pixels, top|center|bottom or pixels).',
    }),
    fallback: position({ default: 'center_center', description: 'Position to use when anchor auto finds no area.' }),
    mode: choice({
      values: CROP_MODES,
      default: 'absolute',
      description:
        'absolute: width and height in pixels; ratio: the largest crop of that ratio; box: the subject area; area: the subject area fitted into the ratio.',
    }),
    scale: number({ min: 0, max: 100, default: 100, description: 'Scales the crop box to this percentage.' }),
    movearea_x: number({
      min: -100,
      max: 100,
      default: 0,
      description: 'Moves the area by this percentage horizontally.',
    }),
    movearea_y: number({
      min: -100,
      max: 100,
      default: 0,
      description: 'Moves the area by this percentage vertically.',
    }),
    area: text({
      pattern: /^[a-zA-Z0-9_]+$/,
      hint: 'the name of a multi_areas entry (letters, digits and _)',
      description: 'Name of a multi_areas entry to crop on.',
    }),
  },
  build: (v) => ({
    name: 'crop',
    width: v.width,
    height: v.height,
    anchor: v.anchor,
    fallback: v.fallback,
    mode: v.mode,
    scale: v.scale,
    movearea_x: v.movearea_x,
    movearea_y: v.movearea_y,
    area: v.area,
  }),
});
