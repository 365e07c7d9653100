// modulate (spec §4): brightness and saturation in percent (100 = unchanged),
// hue in degrees.

import { defineOperation } from './define.ts';
import { integer } from './option-kinds.ts';

export const modulate = defineOperation({
  name: 'modulate',
  description: 'Changes brightness, saturation and hue.',
  options: {
    brightness: integer({ min: 0, max: 500, default: 100, description: 'Brightness in %, 100 means unchanged.' }),
    saturation: integer({ min: 0, max: 500, default: 100, description: 'Saturation in %, 100 means unchanged.' }),
    hue: integer({ min: 0, max: 360, default: 0, description: 'Hue rotation in degrees, 0 means unchanged.' }),
  },
  build: (v) => ({ name: 'modulate', brightness: v.brightness, saturation: v.saturation, hue: v.hue }),
});
