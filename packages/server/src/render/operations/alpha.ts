// alpha (spec §4): works on the transparency channel.

import { defineOperation } from './define.ts';
import { choice, integer } from './option-kinds.ts';

export const alpha = defineOperation({
  name: 'alpha',
  description: 'Works on the alpha (transparency) channel.',
  options: {
    mode: choice({
      values: ['mask', 'extract', 'remove', 'apply'],
      default: 'mask',
      description: 'mask: alpha as a grey image; extract: only the alpha channel; remove: drop it; apply: set opacity.',
    }),
    opacity: integer({ min: 0, max: 100, default: 50, description: 'Opacity applied in mode apply.' }),
  },
  build: (v) => ({ name: 'alpha', mode: v.mode, opacity: v.opacity }),
});
