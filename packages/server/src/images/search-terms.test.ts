import { describe, expect, it } from 'vitest';
import { searchTerms } from './search-terms.ts';

describe('searchTerms', () => {
  it('indexes name words, dynamic values and static metadata by group and tag', () => {
    const rows = searchTerms({
      name: 'Beach_Day 2.JPG',
      dynamicMetadata: {
        version: { text: 'v2' },
        subject_area: { x: 10, y: 0, width: 5, height: 5 },
        multi_areas: { hero: { crop_area: { x: 1 } } },
      },
      staticMetadata: {
        exif: {
          Image: { Make: 'Canon' },
          Photo: { DateTimeOriginal: '2017-01-01T10:00:00.000Z' },
          Thumbnail: { Make: 'x' },
        },
        iptc: { Keywords: ['sea', 'sun'] },
        xmp: '<x/>',
      },
    });
    const has = (name: string, str: string | null, num: number | null = null) =>
      expect(rows).toContainEqual(expect.objectContaining({ name, str, num }));
    has('t:name', 'beach');
    has('t:name', 'day');
    has('t:name', 'jpg');
    has('v:dynamic:version:text', 'v2');
    has('t:dynamic:version:text', 'v2');
    has('v:dynamic:subject_area:x', '10', 10);
    has('v:dynamic:multi_areas:hero.crop_area.x', '1', 1);
    has('v:static:exif:Make', 'Canon');
    has('v:static:exif:DateTimeOriginal', '2017-01-01T10:00:00.000Z', Date.parse('2017-01-01T10:00:00Z'));
    has('v:static:iptc:Keywords', 'sea');
    has('v:static:iptc:Keywords', 'sun');
    expect(rows.filter((r) => r.str === 'x')).toEqual([]);
    expect(rows.some((r) => r.name.includes('xmp'))).toBe(false);
    // (name, seq) is unique per image.
    expect(new Set(rows.map((r) => `${r.name}#${r.seq}`)).size).toBe(rows.length);
  });
});
