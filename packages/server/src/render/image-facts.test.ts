// Image facts from a catalog record: the areas as rendering uses them, in
// pixels, and user metadata by bare field name.

import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../storage/catalog/catalog.ts';
import { imageFacts } from './image-facts.ts';

function record(overrides: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: 1,
    orgId: 1,
    hash: 'c1b110f4a2f6e4c1d3b5a7e9f0a1b2c3d4e5f6a7',
    shortHash: 'c1b110',
    binaryHash: 'f572d396fae9206628714fb2ce00f72e94f2258f',
    blobKey: 'blob',
    name: 'harbour.jpg',
    format: 'jpg',
    mimetype: 'image/jpeg',
    size: 1234,
    width: 400,
    height: 200,
    opaque: true,
    animated: false,
    protected: false,
    locked: false,
    created: new Date('2026-01-01T00:00:00Z'),
    deletedAt: null,
    userMetadata: {},
    dynamicMetadata: {},
    staticMetadata: {},
    ...overrides,
  };
}

describe('imageFacts', () => {
  it('copies the basic facts', () => {
    const facts = imageFacts(record({ animated: true, format: 'gif' }));
    expect(facts).toEqual({
      hash: 'c1b110f4a2f6e4c1d3b5a7e9f0a1b2c3d4e5f6a7',
      width: 400,
      height: 200,
      format: 'gif',
      animated: true,
      subjectArea: undefined,
      cropArea: undefined,
      multiAreas: {},
      userMetadata: {},
    });
  });

  it('reads the subject and crop areas', () => {
    const facts = imageFacts(
      record({
        dynamicMetadata: {
          subject_area: { width: 30, height: 20, x: 10, y: 5 },
          crop_area: { width: 100, height: 50, x: 0, y: 0 },
        },
      }),
    );
    expect(facts.subjectArea).toEqual({ x: 10, y: 5, width: 30, height: 20 });
    expect(facts.cropArea).toEqual({ x: 0, y: 0, width: 100, height: 50 });
  });

  it('makes a subject area without a size a 1 × 1 focus point', () => {
    expect(imageFacts(record({ dynamicMetadata: { subject_area: { x: 7, y: 8 } } })).subjectArea).toEqual({
      x: 7,
      y: 8,
      width: 1,
      height: 1,
    });
  });

  it('converts percentages to pixels of the image', () => {
    // 400 × 200: 10 % → 40 px across, 20 px down; 25 % wide → 100 px, 50 % high → 100 px.
    const facts = imageFacts(
      record({ dynamicMetadata: { subject_area: { width: 25, height: 50, x: 10, y: 10, percentage: true } } }),
    );
    expect(facts.subjectArea).toEqual({ x: 40, y: 20, width: 100, height: 100 });
  });

  it('reads multi_areas by name', () => {
    const facts = imageFacts(
      record({
        dynamicMetadata: {
          multi_areas: {
            hero: { crop_area: { width: 200, height: 100, x: 50, y: 50 } },
            face: { subject_area: { width: 10, height: 10, x: 1, y: 2 } },
          },
        },
      }),
    );
    expect(facts.multiAreas).toEqual({
      hero: { cropArea: { x: 50, y: 50, width: 200, height: 100 } },
      face: { subjectArea: { x: 1, y: 2, width: 10, height: 10 } },
    });
  });

  it('keys user metadata by bare field name', () => {
    const facts = imageFacts(record({ userMetadata: { title: 'Harbour', 'int:rank': 3, 'array:tags': ['a'] } }));
    expect(facts.userMetadata).toEqual({ title: 'Harbour', rank: 3, tags: ['a'] });
  });

  it('keeps a field named __proto__ as plain data', () => {
    const facts = imageFacts(record({ userMetadata: JSON.parse('{"__proto__": "x"}') }));
    expect(Object.getPrototypeOf(facts.userMetadata)).toBe(Object.prototype);
    expect(Object.hasOwn(facts.userMetadata, '__proto__')).toBe(true);
  });
});
