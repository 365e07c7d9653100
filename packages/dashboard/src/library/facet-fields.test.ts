import type { SourceImage } from 'origo-client';
import { describe, expect, it } from 'vitest';
import { facetFieldsOf } from './facet-fields.ts';

const image = (user_metadata: Record<string, string | number | string[]>) => ({ user_metadata }) as SourceImage;

describe('the facet fields the library counts', () => {
  it('takes str and array fields seen on the images, the most common first', () => {
    const fields = facetFieldsOf([
      image({ category: 'a', 'array:tags': ['x'], 'int:rank': 3 }),
      image({ 'array:tags': ['y'], 'date:shot': '2020-01-01T00:00:00Z' }),
      image({}),
    ]);
    expect(fields).toEqual([
      { field: 'user:array:tags', label: 'tags' },
      { field: 'user:category', label: 'category' },
    ]);
  });

  it('offers at most five, and none without metadata', () => {
    const many = image(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, 'v'])));
    expect(facetFieldsOf([many])).toHaveLength(5);
    expect(facetFieldsOf([{} as SourceImage])).toEqual([]);
  });
});
