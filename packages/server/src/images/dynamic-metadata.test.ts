// Dynamic metadata (spec §4): validation against the image size and the
// normalized form that goes into the hash.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf, expect400 } from '../../test/fixtures.ts';
import { OrigoError } from '../errors.ts';
import { DYNAMIC_NAMES, isDynamicName, normalizeDynamic } from './dynamic-metadata.ts';
import { imageHash, type PhpValue } from './hash.ts';

const SIZE = { width: 200, height: 100 };
const BIN = 'f572d396fae9206628714fb2ce00f72e94f2258f';
const sha1Hex = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

describe.each(['subject_area', 'crop_area'])('%s', (name) => {
  it('normalizes to {width, height, x, y}', () => {
    const out = normalizeDynamic(name, { y: 2, x: 1, height: 4, width: 3 }, SIZE);
    expect(out).toEqual({ width: 3, height: 4, x: 1, y: 2 });
    expect(Object.keys(out as object)).toEqual(['width', 'height', 'x', 'y']);
  });

  it('defaults width and height to 1', () => {
    expect(normalizeDynamic(name, { x: 5, y: 6 }, SIZE)).toEqual({ width: 1, height: 1, x: 5, y: 6 });
  });

  it('keeps percentage only when true', () => {
    expect(normalizeDynamic(name, { x: 1, y: 1, width: 10, height: 10, percentage: true }, SIZE)).toEqual({
      width: 10,
      height: 10,
      x: 1,
      y: 1,
      percentage: true,
    });
    expect(normalizeDynamic(name, { x: 1, y: 1, width: 10, height: 10, percentage: false }, SIZE)).toEqual({
      width: 10,
      height: 10,
      x: 1,
      y: 1,
    });
  });

  it('hashes percentage:false like its absence', () => {
    const withFalse = normalizeDynamic(name, { x: 1, y: 1, width: 10, height: 10, percentage: false }, SIZE);
    const without = normalizeDynamic(name, { x: 1, y: 1, width: 10, height: 10 }, SIZE);
    expect(imageHash(BIN, { [name]: withFalse })).toBe(imageHash(BIN, { [name]: without }));
    const withTrue = normalizeDynamic(name, { x: 1, y: 1, width: 10, height: 10, percentage: true }, SIZE);
    expect(imageHash(BIN, { [name]: withTrue })).not.toBe(imageHash(BIN, { [name]: without }));
  });

  it('accepts an area that touches the right and bottom edges', () => {
    expect(normalizeDynamic(name, { x: 0, y: 0, width: 200, height: 100 }, SIZE)).toEqual({
      width: 200,
      height: 100,
      x: 0,
      y: 0,
    });
    expect(normalizeDynamic(name, { x: 199, y: 99 }, SIZE)).toEqual({ width: 1, height: 1, x: 199, y: 99 });
    expect(normalizeDynamic(name, { x: 0, y: 0, width: 100, height: 100, percentage: true }, SIZE)).toMatchObject({
      percentage: true,
    });
  });

  it.each([
    [{ y: 0 }, 'x is required'],
    [{ x: 0 }, 'y is required'],
    [{ x: -1, y: 0 }, 'x must be at least 0'],
    [{ x: 0, y: -1 }, 'y must be at least 0'],
    [{ x: 0, y: 0, width: 0 }, 'width must be at least 1'],
    [{ x: 0, y: 0, height: 0 }, 'height must be at least 1'],
    [{ x: 1.5, y: 0 }, 'x must be a whole number'],
    [{ x: 0, y: 0, width: 2.5 }, 'width must be a whole number'],
    [{ x: true, y: 0 }, 'x must be a whole number'],
    [{ x: 'abc', y: 0 }, 'x must be a whole number'],
    [{ x: 0, y: 0, percentage: 'yes' }, 'percentage must be true or false'],
    [{ x: 0, y: 0, percentage: 1 }, 'percentage must be true or false'],
    [{ x: 150, y: 0, width: 51 }, 'x + width = 201'],
    [{ x: 200, y: 0 }, 'x + width = 201'],
    [{ x: 0, y: 50, height: 51 }, 'y + height = 101'],
    [{ x: 0, y: 100 }, 'y + height = 101'],
    [{ x: 50, y: 0, width: 51, percentage: true }, 'x + width = 101%'],
    [{ x: 0, y: 100, percentage: true }, 'y + height = 101%'],
    [{ x: 0, y: 0, z: 1 }, 'unknown field "z"'],
    [{ x: 0, y: 0, Width: 5 }, 'unknown field "Width"'],
  ])('refuses %j', (definition, message) => {
    expect400(() => normalizeDynamic(name, definition, SIZE), message);
    expect400(() => normalizeDynamic(name, definition, SIZE), name);
  });

  it.each([[null], [5], ['x'], [[1, 2]]])('refuses the non-object %j', (definition) => {
    expect400(() => normalizeDynamic(name, definition, SIZE), `${name} must be an object`);
  });

  it('refuses __proto__ inside a definition as an unknown field', () => {
    expect400(() => normalizeDynamic(name, JSON.parse('{"x":0,"y":0,"__proto__":{"x":1}}'), SIZE), '__proto__');
  });
});

describe('multi_areas', () => {
  it('normalizes each named area', () => {
    const out = normalizeDynamic(
      'multi_areas',
      {
        hero: { crop_area: { x: 0, y: 0, width: 10, height: 10 } },
        thumb: { subject_area: { x: 5, y: 5 }, crop_area: { x: 1, y: 2, width: 3, height: 4, percentage: true } },
      },
      SIZE,
    );
    expect(out).toEqual({
      hero: { crop_area: { width: 10, height: 10, x: 0, y: 0 } },
      thumb: {
        subject_area: { width: 1, height: 1, x: 5, y: 5 },
        crop_area: { width: 3, height: 4, x: 1, y: 2, percentage: true },
      },
    });
  });

  it('names the nested area that lies outside the image', () => {
    expect400(
      () => normalizeDynamic('multi_areas', { hero: { crop_area: { x: 190, y: 0, width: 20 } } }, SIZE),
      'multi_areas.hero.crop_area',
    );
  });

  it.each([
    [{}, 'multi_areas must be an object'],
    [[], 'multi_areas must be an object'],
    [{ hero: {} }, 'multi_areas.hero must hold'],
    [{ hero: 5 }, 'multi_areas.hero must hold'],
    [{ hero: { other_area: { x: 0, y: 0 } } }, 'unknown field "other_area"'],
    [{ 'bad-name': { crop_area: { x: 0, y: 0 } } }, 'multi_areas.bad-name'],
    [{ hero: { crop_area: { x: 0, y: 0, depth: 1 } } }, 'unknown field "depth"'],
  ])('refuses %j', (definition, message) => {
    expect400(() => normalizeDynamic('multi_areas', definition, SIZE), message);
  });
});

describe('version', () => {
  it('keeps the text', () => {
    expect(normalizeDynamic('version', { text: 'v2' }, SIZE)).toEqual({ text: 'v2' });
    expect(normalizeDynamic('version', { text: 'x'.repeat(255) }, SIZE)).toEqual({ text: 'x'.repeat(255) });
  });

  it.each([[{}], [{ text: '' }], [{ text: '   ' }], [{ text: 'x'.repeat(256) }], [{ text: 5 }], [{ text: null }]])(
    'refuses %j',
    (definition) => {
      expect400(() => normalizeDynamic('version', definition, SIZE), 'version.text');
    },
  );

  it('refuses unknown keys and non-objects', () => {
    expect400(() => normalizeDynamic('version', { text: 'v', other: 1 }, SIZE), 'unknown field "other"');
    expect400(() => normalizeDynamic('version', 'v2', SIZE), 'version must be an object');
  });
});

describe('names', () => {
  it('answers detection_face with 403: face detection is not configured', () => {
    const err = errorOf(() => normalizeDynamic('detection_face', {}, SIZE));
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/face detection/i);
    expect(err.message).toMatch(/not configured/i);
  });

  it.each([['unknown'], ['Subject_Area'], ['subject-area'], ['__proto__'], ['constructor'], ['']])(
    'refuses the unknown name %j with a 400 naming it',
    (name) => {
      expect400(() => normalizeDynamic(name, { x: 0, y: 0 }, SIZE), `Unknown dynamic metadata ${JSON.stringify(name)}`);
      expect(isDynamicName(name)).toBe(false);
    },
  );

  it('knows the documented names', () => {
    for (const name of ['subject_area', 'crop_area', 'multi_areas', 'version', 'detection_face'])
      expect(isDynamicName(name)).toBe(true);
  });
});

// ---- properties ----

const sizeArb = fc.record({ width: fc.integer({ min: 1, max: 5000 }), height: fc.integer({ min: 1, max: 5000 }) });

describe('dynamic metadata properties', () => {
  it('throws nothing but a 400 (or 403 for detection_face) for any JSON definition', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DYNAMIC_NAMES, 'other'),
        fc.jsonValue({ maxDepth: 4 }),
        sizeArb,
        (name, definition, size) => {
          try {
            normalizeDynamic(name, definition, size);
          } catch (err) {
            expect(err).toBeInstanceOf(OrigoError);
            expect((err as OrigoError).status).toBe(name === 'detection_face' ? 403 : 400);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly the areas that lie within the image', () => {
    const definition = fc.record(
      {
        x: fc.integer({ min: -2, max: 300 }),
        y: fc.integer({ min: -2, max: 300 }),
        width: fc.integer({ min: 0, max: 300 }),
        height: fc.integer({ min: 0, max: 300 }),
        percentage: fc.boolean(),
      },
      { requiredKeys: ['x', 'y'] },
    );
    fc.assert(
      fc.property(definition, sizeArb, (def, size) => {
        const width = def.width ?? 1;
        const height = def.height ?? 1;
        const maxX = def.percentage ? 100 : size.width;
        const maxY = def.percentage ? 100 : size.height;
        const inside =
          def.x >= 0 && def.y >= 0 && width >= 1 && height >= 1 && def.x + width <= maxX && def.y + height <= maxY;
        if (inside) {
          const out = normalizeDynamic('subject_area', def, size) as Record<string, PhpValue>;
          expect(out).toEqual({ width, height, x: def.x, y: def.y, ...(def.percentage ? { percentage: true } : {}) });
        } else {
          expect400(() => normalizeDynamic('subject_area', def, size), 'subject_area');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('setting and then removing fields in any order gives, at every step, the hash of the fields left', () => {
    // PHP serialize() of the normalized forms, written out by hand (keys in byte order), as an independent check.
    type Area = { x: number; y: number; width: number; height: number };
    const phpArea = (a: Area) =>
      `a:4:{s:6:"height";i:${a.height};s:5:"width";i:${a.width};s:1:"x";i:${a.x};s:1:"y";i:${a.y};}`;
    const phpText = (t: string) => `s:${Buffer.byteLength(t, 'utf8')}:"${t}";`;
    const area = fc.tuple(fc.integer({ min: 0, max: 199 }), fc.integer({ min: 0, max: 99 })).chain(([x, y]) =>
      fc.record({
        x: fc.constant(x),
        y: fc.constant(y),
        width: fc.integer({ min: 1, max: 200 - x }),
        height: fc.integer({ min: 1, max: 100 - y }),
      }),
    );
    const definitions = fc.record({
      subject_area: area,
      crop_area: area,
      version: fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((t) => t.trim() !== '')
        .map((text) => ({ text })),
      multi_areas: area.map((a) => ({ hero: { crop_area: a } })),
    });
    type Defs = {
      subject_area: Area;
      crop_area: Area;
      version: { text: string };
      multi_areas: { hero: { crop_area: Area } };
    };
    const php: { [K in keyof Defs]: (d: Defs[K]) => string } = {
      subject_area: phpArea,
      crop_area: phpArea,
      version: (v) => `a:1:{s:4:"text";${phpText(v.text)}}`,
      multi_areas: (m) => `a:1:{s:4:"hero";a:1:{s:9:"crop_area";${phpArea(m.hero.crop_area)}}}`,
    };
    // Byte order of the top-level keys: crop_area < multi_areas < protected < subject_area < version.
    const KEY_ORDER = ['crop_area', 'multi_areas', 'protected', 'subject_area', 'version'] as const;
    const expectedHash = (defs: Defs, names: ReadonlySet<string>, isProtected: boolean): string => {
      const entries = KEY_ORDER.flatMap((k) => {
        if (k === 'protected') return isProtected ? ['s:9:"protected";b:1;'] : [];
        return names.has(k) ? [`${phpText(k)}${(php[k] as (d: unknown) => string)(defs[k])}`] : [];
      });
      return sha1Hex(`${BIN}a:${entries.length}:{${entries.join('')}}`);
    };
    const NAMES = ['subject_area', 'crop_area', 'version', 'multi_areas'] as const;
    let runs = 0;
    fc.assert(
      fc.property(
        definitions,
        fc.shuffledSubarray([...NAMES], { minLength: 1 }),
        fc.shuffledSubarray([...NAMES], { minLength: NAMES.length }),
        fc.boolean(),
        (defs, setOrder, permutation, isProtected) => {
          runs++;
          const current = new Map<string, PhpValue>();
          const names = new Set<string>();
          for (const name of setOrder) {
            current.set(name, normalizeDynamic(name, defs[name], SIZE));
            names.add(name);
            expect(imageHash(BIN, Object.fromEntries(current), isProtected)).toBe(
              expectedHash(defs, names, isProtected),
            );
          }
          // Remove in another order than the fields were set: the hash depends on the fields left only.
          for (const name of permutation.filter((n) => names.has(n))) {
            current.delete(name);
            names.delete(name);
            expect(imageHash(BIN, Object.fromEntries(current), isProtected)).toBe(
              expectedHash(defs, names, isProtected),
            );
          }
          expect(imageHash(BIN, Object.fromEntries(current), isProtected)).toBe(
            sha1Hex(BIN + (isProtected ? 'a:1:{s:9:"protected";b:1;}' : 'a:0:{}')),
          );
        },
      ),
      { numRuns: 200 },
    );
    expect(runs).toBe(200);
  });
});
