// GET /operations: rokka's shape, as rokka's own dashboard reads it (per
// operation `properties` with type/minimum/maximum/default/values, and
// `required`).

import { describe, expect, it } from 'vitest';
import { operationsDescription } from './registry.ts';

describe('operationsDescription', () => {
  const body = operationsDescription();

  it('lists exactly the v1 operations', () => {
    expect(Object.keys(body).sort()).toEqual(
      [
        'alpha',
        'autorotate',
        'blur',
        'composition',
        'crop',
        'dropshadow',
        'grayscale',
        'modulate',
        'noop',
        'resize',
        'rotate',
        'sepia',
        'trim',
      ].sort(),
    );
  });

  it('describes resize like rokka', () => {
    expect(body['resize']).toMatchObject({
      properties: {
        width: { type: 'integer', minimum: 1, maximum: 10000 },
        height: { type: 'integer', minimum: 1, maximum: 10000 },
        mode: { type: 'string', default: 'box', values: ['box', 'absolute', 'fill'] },
        upscale: { type: 'boolean', default: true },
        upscale_dpr: { type: 'boolean', default: true },
        sharpen: { type: 'boolean', default: false },
        enabled: { type: 'boolean', default: true },
      },
      required: [],
      oneOf: ['width', 'height'],
    });
    expect(body['resize']).toHaveProperty('description');
  });

  it('marks required options', () => {
    expect(body['crop']).toMatchObject({ required: ['width', 'height'] });
    expect(body['rotate']).toMatchObject({ required: ['angle'] });
    expect(body['blur']).toMatchObject({ required: [] });
  });

  it('gives defaults and ranges', () => {
    expect(body['modulate']).toMatchObject({
      properties: {
        brightness: { type: 'integer', minimum: 0, maximum: 500, default: 100 },
        hue: { type: 'integer', minimum: 0, maximum: 360, default: 0 },
      },
    });
    expect(body['rotate']).toMatchObject({
      properties: {
        angle: { type: 'number', minimum: -360, maximum: 360 },
        background_color: { type: 'string', default: 'FFFFFF' },
      },
    });
    expect(body['crop']).toMatchObject({
      properties: {
        anchor: { type: 'string', default: 'auto' },
        fallback: { type: 'string', default: 'center_center' },
        scale: { type: 'number', minimum: 0, maximum: 100, default: 100 },
      },
    });
  });

  it('gives patterns that match what the normalizer accepts', () => {
    const crop = body['crop'] as { properties: { anchor: { pattern: string } } };
    const anchor = new RegExp(crop.properties.anchor.pattern);
    for (const ok of ['auto', 'smart', 'left_top', '20-40', 'center_10000']) expect(anchor.test(ok), ok).toBe(true);
    for (const bad of ['top_left', 'face', '10001_0']) expect(anchor.test(bad), bad).toBe(false);
    const composition = body['composition'] as { properties: { anchor: { pattern: string; default: string } } };
    const position = new RegExp(composition.properties.anchor.pattern);
    expect(position.test(composition.properties.anchor.default)).toBe(true);
    expect(position.test('right_bottom')).toBe(true);
    expect(position.test('auto')).toBe(false);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});
