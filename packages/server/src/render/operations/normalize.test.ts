// Resolved operations → normalized ones: defaults written out by hand from
// spec §4 and rokka's documentation, values from URL text and JSON alike,
// and the 400s a user sees for unknown names and bad values.

import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../../errors.ts';
import type { Options } from '../model.ts';
import { normalizeOperations } from './normalize.ts';

const one = (name: string, options: Options = {}) => normalizeOperations([{ name, options }]);

function refusal(name: string, options: Options): { code: string; message: string } {
  try {
    one(name, options);
  } catch (err) {
    if (isOrigoError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('normalizeOperations: defaults', () => {
  it('resize', () => {
    expect(one('resize', { width: 200 })).toEqual([
      { name: 'resize', width: 200, height: undefined, mode: 'box', upscale: true, upscale_dpr: true, sharpen: false },
    ]);
  });

  it('crop', () => {
    expect(one('crop', { width: 100, height: 50 })).toEqual([
      {
        name: 'crop',
        width: 100,
        height: 50,
        anchor: { kind: 'auto' },
        fallback: { x: 'center', y: 'center' },
        mode: 'absolute',
        scale: 100,
        movearea_x: 0,
        movearea_y: 0,
        area: undefined,
      },
    ]);
  });

  it('rotate', () => {
    expect(one('rotate', { angle: 90 })).toEqual([
      { name: 'rotate', angle: 90, background_color: 'FFFFFF', background_opacity: 0 },
    ]);
  });

  it('autorotate', () => {
    expect(one('autorotate')).toEqual([
      { name: 'autorotate', width: undefined, height: undefined, rotation_direction: 'clockwise' },
    ]);
  });

  it('blur, trim, modulate, alpha', () => {
    expect(one('blur')).toEqual([{ name: 'blur', sigma: 4 }]);
    expect(one('trim')).toEqual([{ name: 'trim', fuzzy: 0 }]);
    expect(one('modulate')).toEqual([{ name: 'modulate', brightness: 100, saturation: 100, hue: 0 }]);
    expect(one('alpha')).toEqual([{ name: 'alpha', mode: 'mask', opacity: 50 }]);
  });

  it('dropshadow', () => {
    expect(one('dropshadow')).toEqual([
      { name: 'dropshadow', horizontal: 0, vertical: 0, opacity: 100, sigma: 0.5, color: '000000' },
    ]);
  });

  it('composition', () => {
    expect(one('composition')).toEqual([
      {
        name: 'composition',
        mode: 'foreground',
        width: undefined,
        height: undefined,
        resize_mode: 'box',
        anchor: { x: 'center', y: 'center' },
        secondary_color: '000000',
        secondary_opacity: 100,
        secondary_image: undefined,
        resize_to_primary: false,
      },
    ]);
  });

  it('grayscale, sepia, noop', () => {
    expect(
      normalizeOperations([
        { name: 'grayscale', options: {} },
        { name: 'sepia', options: {} },
      ]),
    ).toEqual([{ name: 'grayscale' }, { name: 'sepia' }]);
    expect(one('noop')).toEqual([{ name: 'noop' }]);
  });

  it('an empty list stays empty', () => {
    expect(normalizeOperations([])).toEqual([]);
  });
});

describe('normalizeOperations: values', () => {
  it('reads URL text like JSON values', () => {
    const fromUrl = one('resize', {
      width: '200',
      height: '100',
      mode: 'fill',
      upscale: 'false',
      upscale_dpr: '0',
      sharpen: '1',
    });
    const fromJson = one('resize', {
      width: 200,
      height: 100,
      mode: 'fill',
      upscale: false,
      upscale_dpr: false,
      sharpen: true,
    });
    expect(fromUrl).toEqual(fromJson);
    expect(fromUrl[0]).toMatchObject({ upscale: false, upscale_dpr: false, sharpen: true });
  });

  it('reads fractional angles and colours', () => {
    expect(one('rotate', { angle: '-12.5', background_color: 'f0a', background_opacity: '37.5' })).toEqual([
      { name: 'rotate', angle: -12.5, background_color: 'FF00AA', background_opacity: 37.5 },
    ]);
  });

  it('reads crop anchors, fallback and area', () => {
    expect(
      one('crop', {
        width: '16',
        height: '9',
        mode: 'ratio',
        anchor: '10_bottom',
        fallback: 'left-top',
        area: 'landscape_16_9',
        movearea_x: '-20',
        scale: '50.5',
      }),
    ).toEqual([
      {
        name: 'crop',
        width: 16,
        height: 9,
        anchor: { kind: 'position', x: 10, y: 'bottom' },
        fallback: { x: 'left', y: 'top' },
        mode: 'ratio',
        scale: 50.5,
        movearea_x: -20,
        movearea_y: 0,
        area: 'landscape_16_9',
      },
    ]);
    expect(one('crop', { width: 1, height: 1, anchor: 'subjectarea' })[0]).toMatchObject({
      anchor: { kind: 'subjectarea' },
    });
  });

  it('reads composition options', () => {
    expect(
      one('composition', {
        mode: 'background',
        width: 160,
        height: '90',
        anchor: 'right_bottom',
        secondary_image: 'ddc45f',
        secondary_opacity: '0',
        resize_mode: 'absolute',
        resize_to_primary: 'true',
      })[0],
    ).toMatchObject({
      mode: 'background',
      width: 160,
      height: 90,
      anchor: { x: 'right', y: 'bottom' },
      secondary_image: 'ddc45f',
      secondary_opacity: 0,
      resize_mode: 'absolute',
      resize_to_primary: true,
    });
  });

  it("accepts rokka's deprecated blur radius and dropshadow blur_radius without passing them on", () => {
    expect(one('blur', { sigma: '2', radius: '5' })).toEqual([{ name: 'blur', sigma: 2 }]);
    expect(one('dropshadow', { blur_radius: 3 })[0]).not.toHaveProperty('blur_radius');
  });

  it('treats "__undefined__" (rokka-render for a falsy value) as not set', () => {
    expect(one('blur', { sigma: '__undefined__' })).toEqual([{ name: 'blur', sigma: 4 }]);
  });

  it('keeps the order and repeats of operations', () => {
    const ops = normalizeOperations([
      { name: 'resize', options: { width: 100 } },
      { name: 'grayscale', options: {} },
      { name: 'resize', options: { height: 50 } },
    ]);
    expect(ops.map((op) => op.name)).toEqual(['resize', 'grayscale', 'resize']);
  });
});

describe('normalizeOperations: enabled', () => {
  it('drops an operation with enabled false (also "false" and 0), keeps it otherwise', () => {
    for (const off of [false, 'false', 0, '0']) {
      expect(one('grayscale', { enabled: off }), String(off)).toEqual([]);
    }
    expect(one('grayscale', { enabled: 'true' })).toEqual([{ name: 'grayscale' }]);
    expect(one('grayscale', { enabled: 1 })).toEqual([{ name: 'grayscale' }]);
  });

  it('drops a disabled operation without asking for its required options or checking its values', () => {
    expect(one('crop', { enabled: false })).toEqual([]);
    expect(one('resize', { enabled: '0', width: 0 })).toEqual([]);
  });

  it('still refuses an unknown option or a bad enabled value', () => {
    expect(refusal('resize', { enabled: false, colour: 'fff' }).code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(refusal('resize', { enabled: 'no', width: 1 }).message).toContain('"enabled"');
  });
});

describe('normalizeOperations: refusals', () => {
  it('names an unknown operation and lists the known ones', () => {
    const r = refusal('sharpen', {});
    expect(r.code).toBe('ORIGO_ERR_RENDER_UNKNOWN_OPERATION');
    expect(r.message).toContain('"sharpen"');
    for (const known of ['resize', 'crop', 'rotate', 'autorotate', 'blur', 'grayscale', 'sepia', 'trim']) {
      expect(r.message).toContain(known);
    }
    for (const known of ['modulate', 'alpha', 'dropshadow', 'composition', 'noop']) expect(r.message).toContain(known);
  });

  it('names the operation and an unknown option', () => {
    const r = refusal('resize', { width: 100, colour: 'fff' });
    expect(r.code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(r.message).toContain('resize');
    expect(r.message).toContain('"colour"');
    expect(refusal('resize', { width: 1, toString: 'x' }).message).toContain('"toString"');
  });

  it('names operation, option, value and range for an out-of-range value', () => {
    const r = refusal('resize', { width: '10001' });
    expect(r.code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(r.message).toBe('resize option "width" must be a whole number from 1 to 10000; got "10001"');
    expect(refusal('modulate', { hue: 361 }).message).toBe(
      'modulate option "hue" must be a whole number from 0 to 360; got 361',
    );
    expect(refusal('rotate', { angle: '-360.5' }).message).toContain('a number from -360 to 360');
    expect(refusal('blur', { sigma: 100.5 }).message).toContain('from 0 to 100');
    expect(refusal('trim', { fuzzy: -1 }).message).toContain('from 0 to 100');
    expect(refusal('alpha', { opacity: 101 }).message).toContain('from 0 to 100');
    expect(refusal('dropshadow', { horizontal: -101 }).message).toContain('from -100 to 100');
  });

  it('names the value for a wrong type', () => {
    expect(refusal('resize', { width: 'abc' }).message).toContain('got "abc"');
    expect(refusal('resize', { width: 12.5 }).message).toContain('whole number');
    expect(refusal('resize', { width: 1, upscale: 'yes' }).message).toContain('true or false');
    expect(refusal('resize', { width: 1, mode: 'cover' }).message).toContain('one of box, absolute, fill');
    expect(refusal('crop', { width: 1, height: 1, mode: 'fit' }).message).toContain('absolute, ratio, box, area');
    expect(refusal('rotate', { angle: 1, background_color: 'white' }).message).toContain('hex colour');
    expect(refusal('crop', { width: 1, height: 1, anchor: 'top_left' }).message).toContain('"top_left"');
    expect(refusal('crop', { width: 1, height: 1, fallback: 'auto' }).message).toContain('fallback');
    expect(refusal('crop', { width: 1, height: 1, area: 'a b' }).message).toContain('multi_areas');
    expect(refusal('composition', { anchor: 'smart' }).message).toContain('anchor');
    expect(refusal('composition', { secondary_image: 'XYZ' }).message).toContain('image hash');
    expect(refusal('autorotate', { rotation_direction: 'left' }).message).toContain('clockwise, counterclockwise');
  });

  it('needs resize width or height', () => {
    const r = refusal('resize', { mode: 'fill' });
    expect(r.code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(r.message).toBe('operation resize needs at least one of "width", "height"');
    expect(one('resize', { height: 10 })[0]).toMatchObject({ width: undefined, height: 10 });
  });

  it('needs crop width and height, and rotate angle', () => {
    expect(refusal('crop', { width: 100 }).message).toBe('operation crop needs "width", "height"; missing "height"');
    expect(refusal('crop', {}).message).toContain('missing "width", "height"');
    expect(refusal('rotate', {}).message).toContain('missing "angle"');
  });
});
