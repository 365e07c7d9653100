// rotate (spec §4): clockwise by any angle, the uncovered corners filled with
// background_color at background_opacity (0: transparent).

import { defineOperation } from './define.ts';
import { color, number } from './option-kinds.ts';

export const rotate = defineOperation({
  name: 'rotate',
  description: 'Rotates an image clockwise; negative angles rotate counter-clockwise.',
  options: {
    angle: number({
      min: -360,
      max: 360,
      required: true,
      description: 'Angle in degrees, may be fractional ("120.3").',
    }),
    background_color: color({ default: 'FFFFFF', description: 'Background colour in hex without #.' }),
    background_opacity: number({
      min: 0,
      max: 100,
      default: 0,
      description: 'Opacity of the background: 0 transparent, 100 opaque.',
    }),
  },
  build: (v) => ({
    name: 'rotate',
    angle: v.angle,
    background_color: v.background_color,
    background_opacity: v.background_opacity,
  }),
});
