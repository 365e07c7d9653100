import { describe, expect, it } from 'vitest';
import { globBase, globToRegExp, isGlob } from './glob.ts';

describe('globToRegExp', () => {
  const matches = (pattern: string, path: string) => globToRegExp(pattern).test(path);

  it('keeps * and ? within one folder', () => {
    expect(matches('photos/*.jpg', 'photos/a.jpg')).toBe(true);
    expect(matches('photos/*.jpg', 'photos/sub/a.jpg')).toBe(false);
    expect(matches('photos/?.jpg', 'photos/a.jpg')).toBe(true);
    expect(matches('photos/?.jpg', 'photos/ab.jpg')).toBe(false);
  });

  it('lets ** span any depth, including none', () => {
    expect(matches('photos/**/*.jpg', 'photos/a.jpg')).toBe(true);
    expect(matches('photos/**/*.jpg', 'photos/x/y/a.jpg')).toBe(true);
    expect(matches('photos/**', 'photos/x/y/a.png')).toBe(true);
    expect(matches('photos/**/*.jpg', 'other/a.jpg')).toBe(false);
  });

  it('takes dots and brackets literally', () => {
    expect(matches('a.(1).jpg', 'a.(1).jpg')).toBe(true);
    expect(matches('a.jpg', 'abjpg')).toBe(false);
  });
});

describe('globBase', () => {
  it('is the folder before the first wildcard', () => {
    expect(globBase('photos/2024/**/*.jpg')).toBe('photos/2024');
    expect(globBase('*.jpg')).toBe('.');
    expect(globBase('/data/*.png')).toBe('/data');
    expect(isGlob('plain/file.jpg')).toBe(false);
  });
});
