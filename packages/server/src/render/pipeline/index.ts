// The render pipeline: normalized operations on sharp (spec §4–§6, §8).

export { renderImage } from './render-image.ts';
