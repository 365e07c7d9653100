// GET /stackoptions: rokka's shape ({properties: {...}}) with its defaults.

import { describe, expect, it } from 'vitest';
import { stackOptionsDescription } from './definitions.ts';

describe('stackOptionsDescription', () => {
  const body = stackOptionsDescription();

  it('describes the v1 stack options with rokka defaults and ranges', () => {
    expect(body).toMatchObject({
      properties: {
        'jpg.quality': { type: 'integer', minimum: 1, maximum: 100, default: 80 },
        'webp.quality': { type: 'integer', minimum: 1, maximum: 100, default: 80 },
        'avif.quality': { type: 'integer', minimum: 1, maximum: 100, default: 45 },
        'heif.quality': { type: 'integer', minimum: 1, maximum: 100, default: 40 },
        'gif.quality': { type: 'integer', minimum: 1, maximum: 100, default: 70 },
        'png.compression_level': { type: 'integer', minimum: 0, maximum: 9, default: 7 },
        autoformat: { type: 'boolean', default: false },
        dpr: { type: 'number', minimum: 1, maximum: 10, default: 1 },
        source_file: { type: 'boolean', default: false },
        content_disposition: { type: 'string', values: ['inline', 'attachment'], default: 'inline' },
        'jpg.transparency.color': { type: 'string', default: 'FFFFFF' },
        'transparency.color': { type: 'string' },
        protected: { type: 'boolean', default: false },
      },
    });
  });

  it('leaves transparency.color without a default (it is off unless set)', () => {
    const properties = (body as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(properties['transparency.color']).not.toHaveProperty('default');
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});
