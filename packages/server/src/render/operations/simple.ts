// Operations without options of their own. noop is deprecated in rokka (an
// empty operation list does the same); it normalizes to {name: 'noop'} and
// the pipeline skips it.

import { defineOperation } from './define.ts';

export const grayscale = defineOperation({
  name: 'grayscale',
  description: 'Converts the image to grey.',
  options: {},
  build: () => ({ name: 'grayscale' }),
});

export const sepia = defineOperation({
  name: 'sepia',
  description: 'Applies sepia toning.',
  options: {},
  build: () => ({ name: 'sepia' }),
});

export const noop = defineOperation({
  name: 'noop',
  description: 'Deprecated! Use an empty operations list to get the same result.',
  options: {},
  build: () => ({ name: 'noop' }),
});
