// trim (spec §4): removes borders of the background colour.

import { defineOperation } from './define.ts';
import { number } from './option-kinds.ts';

export const trim = defineOperation({
  name: 'trim',
  description: 'Trims edges that are the background colour.',
  options: {
    fuzzy: number({ min: 0, max: 100, default: 0, description: 'Tolerance in colour when finding the background.' }),
  },
  build: (v) => ({ name: 'trim', fuzzy: v.fuzzy }),
});
