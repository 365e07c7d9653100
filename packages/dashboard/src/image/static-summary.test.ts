// The summary of static metadata, from blocks shaped as the server stores
// them (exif-reader's groups, IPTC dataset names).

import { describe, expect, it } from 'vitest';
import { staticSummary } from './static-summary.ts';

describe('staticSummary', () => {
  it('labels the camera, settings, place and credits', () => {
    const summary = staticSummary({
      exif: {
        Image: { Make: 'Canon', Model: 'Canon EOS R5', Software: 'Darktable' },
        Photo: {
          DateTimeOriginal: '2024-05-31T12:00:00.000Z',
          ExposureTime: 0.004,
          FNumber: 2.8,
          ISOSpeedRatings: 200,
          FocalLength: 50,
          LensModel: 'RF50mm F1.8',
        },
        GPSInfo: { GPSLatitude: [46, 57, 0], GPSLatitudeRef: 'N', GPSLongitude: [7, 26, 24], GPSLongitudeRef: 'W' },
      },
      iptc: { Byline: ['Ada'], Keywords: ['sea', 'sand'], City: 'Bern', CountryName: 'Switzerland' },
      icc: { description: 'sRGB IEC61966-2.1' },
    });
    expect(Object.fromEntries(summary.map((item) => [item.label, item.value]))).toEqual({
      Camera: 'Canon EOS R5',
      Lens: 'RF50mm F1.8',
      'Date taken': '2024-05-31 12:00:00',
      Exposure: '1/250 s · f/2.8 · ISO 200 · 50 mm',
      Location: '46.95000, -7.44000',
      Software: 'Darktable',
      Artist: 'Ada',
      Keywords: 'sea, sand',
      Place: 'Bern, Switzerland',
      'Colour profile': 'sRGB IEC61966-2.1',
    });
  });

  it('joins a make the model does not repeat, and is empty without metadata', () => {
    expect(staticSummary({ exif: { Image: { Make: 'Origo', Model: 'Cam 7' } } })).toEqual([
      { label: 'Camera', value: 'Origo Cam 7' },
    ]);
    expect(staticSummary(undefined)).toEqual([]);
    expect(staticSummary({ xmp: '<x/>' })).toEqual([]);
  });
});
