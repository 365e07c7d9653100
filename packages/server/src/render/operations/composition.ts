// composition (spec §4): the image over or under a box of colour or another
// image of the organization. secondary_stack and angle (rokka has them) are
// not in v1 and are refused as unknown options.

import { defineOperation } from './define.ts';
import { boolean, choice, color, integer, position, text } from './option-kinds.ts';
import { RESIZE_MODES } from './resize.ts';

export const composition = defineOperation({
  name: 'composition',
  description: 'Puts the image in front of (foreground) or behind (background) a colour box or another image.',
  options: {
    mode: choice({
      values: ['foreground', 'background'],
      default: 'foreground',
      description: 'foreground: the image in front of the secondary; background: behind it.',
    }),
    width: integer({ min: 1, max: 10000, description: 'Width of the secondary box or image.' }),
    height: integer({ min: 1, max: 10000, description: 'Height of the secondary box or image.' }),
    resize_mode: choice({
      values: RESIZE_MODES,
      default: 'box',
      description: 'How a secondary_image is resized to width and height (as resize mode).',
    }),
    anchor: position({ default: 'center_center', description: 'Where to place the composition.' }),
    secondary_color: color({ default: '000000', description: 'Colour of the box in hex without #.' }),
    secondary_opacity: integer({
      min: 0,
      max: 100,
      default: 100,
      description: 'Opacity of the box: 0 transparent, 100 opaque.',
    }),
    secondary_image: text({
      pattern: /^[0-9a-f]{6,40}$/,
      hint: 'an image hash (6 to 40 lower-case hex digits)',
      description: 'Hash of another image to use instead of the colour box.',
    }),
    resize_to_primary: boolean({ default: false, description: 'Resize secondary_image to the primary image size.' }),
  },
  build: (v) => ({
    name: 'composition',
    mode: v.mode,
    width: v.width,
    height: v.height,
    resize_mode: v.resize_mode,
    anchor: v.anchor,
    secondary_color: v.secondary_color,
    secondary_opacity: v.secondary_opacity,
    secondary_image: v.secondary_image,
    resize_to_primary: v.resize_to_primary,
  }),
});
