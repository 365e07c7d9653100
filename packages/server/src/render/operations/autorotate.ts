// autorotate (spec §4): applies the EXIF orientation; with a box, turns the
// image to the box's aspect. rokka leaves rotation_direction unset (the EXIF
// direction); origo's normalized shape needs one, and clockwise is what a
// quarter turn means when nothing else says so.

import { defineOperation } from './define.ts';
import { choice, integer } from './option-kinds.ts';

export const autorotate = defineOperation({
  name: 'autorotate',
  description: 'Rotates the image upright from its EXIF orientation; with width and height, to match that aspect.',
  options: {
    width: integer({ min: 1, max: 10000, description: 'Width of the box whose aspect to match.' }),
    height: integer({ min: 1, max: 10000, description: 'Height of the box whose aspect to match.' }),
    rotation_direction: choice({
      values: ['clockwise', 'counterclockwise'],
      default: 'clockwise',
      description: 'Direction to turn when matching the box.',
    }),
  },
  build: (v) => ({ name: 'autorotate', width: v.width, height: v.height, rotation_direction: v.rotation_direction }),
});
