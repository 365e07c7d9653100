import { describe, expect, it } from 'vitest';
import { acceptsType } from './accept.ts';

const CHROME = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

describe('acceptsType', () => {
  it('finds exact types in a browser header', () => {
    expect(acceptsType(CHROME, 'image/avif')).toBe(true);
    expect(acceptsType(CHROME, 'image/webp')).toBe(true);
  });

  it('does not read wildcards as a promise of a format', () => {
    expect(acceptsType('image/*,*/*;q=0.8', 'image/webp')).toBe(false);
    expect(acceptsType('*/*', 'image/avif')).toBe(false);
  });

  it('refuses a type with q=0 and honours other weights', () => {
    expect(acceptsType('image/avif;q=0, image/webp', 'image/avif')).toBe(false);
    expect(acceptsType('image/avif;q=0, image/webp', 'image/webp')).toBe(true);
    expect(acceptsType('image/webp; q=0.5', 'image/webp')).toBe(true);
    expect(acceptsType('image/webp;q=0.000', 'image/webp')).toBe(false);
  });

  it('ignores case and spacing, and answers no without a header', () => {
    expect(acceptsType(' Image/WebP ; Q=1 ', 'image/webp')).toBe(true);
    expect(acceptsType(undefined, 'image/webp')).toBe(false);
    expect(acceptsType('', 'image/webp')).toBe(false);
    expect(acceptsType('image/webpx', 'image/webp')).toBe(false);
  });
});
