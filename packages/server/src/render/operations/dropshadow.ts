// dropshadow (spec §4). rokka's prose says opacity defaults to 0, but its API
// schema says 100, and a default shadow nobody can see is of no use: 100.
// `blur_radius` is rokka's too; accepted and ignored (sigma does the blur).

import { defineOperation } from './define.ts';
import { color, integer, number } from './option-kinds.ts';

export const dropshadow = defineOperation({
  name: 'dropshadow',
  description: 'Adds a drop shadow.',
  options: {
    horizontal: integer({ min: -100, max: 100, default: 0, description: 'Horizontal offset of the shadow, pixels.' }),
    vertical: integer({ min: -100, max: 100, default: 0, description: 'Vertical offset of the shadow, pixels.' }),
    opacity: integer({
      min: 0,
      max: 100,
      default: 100,
      description: 'Opacity of the shadow: 0 transparent, 100 opaque.',
    }),
    sigma: number({ min: 0, max: 10000, default: 0.5, description: 'Fuzziness of the shadow.' }),
    blur_radius: number({ min: 0, max: 10000, default: 0, description: 'Accepted for rokka compatibility; ignored.' }),
    color: color({ default: '000000', description: 'Shadow colour in hex without #.' }),
  },
  build: (v) => ({
    name: 'dropshadow',
    horizontal: v.horizontal,
    vertical: v.vertical,
    opacity: v.opacity,
    sigma: v.sigma,
    color: v.color,
  }),
});
