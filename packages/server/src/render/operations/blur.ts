// blur (spec §4). rokka also takes `radius` (deprecated, and rokka.js's
// blur(sigma, radius) still sends it): accepted and ignored, so such URLs
// keep working.

import { defineOperation } from './define.ts';
import { integer, number } from './option-kinds.ts';

export const blur = defineOperation({
  name: 'blur',
  description: 'Blurs the whole image.',
  options: {
    sigma: number({ min: 0, max: 100, default: 4, description: 'How blurred the image is.' }),
    radius: integer({ min: 0, max: 500, default: 0, description: 'Deprecated; accepted and ignored.' }),
  },
  build: (v) => ({ name: 'blur', sigma: v.sigma }),
});
