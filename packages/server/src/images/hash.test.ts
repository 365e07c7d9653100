// The image hash: sha1(binary_hash + php_serialize(sorted normalized dynamic
// map [+ "protected" => true])). Expected strings below are written out by
// hand, not produced by the code under test.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageHash, isFullHash, isHashLike, type PhpValue, phpSerialize, sha1Hex } from './hash.ts';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const BIN = 'f572d396fae9206628714fb2ce00f72e94f2258f';

describe('phpSerialize', () => {
  it('serializes scalars like PHP', () => {
    expect(phpSerialize(null)).toBe('N;');
    expect(phpSerialize(true)).toBe('b:1;');
    expect(phpSerialize(false)).toBe('b:0;');
    expect(phpSerialize(0)).toBe('i:0;');
    expect(phpSerialize(-42)).toBe('i:-42;');
    expect(phpSerialize(1.5)).toBe('d:1.5;');
    expect(phpSerialize('abc')).toBe('s:3:"abc";');
  });

  it('counts string lengths in UTF-8 bytes', () => {
    expect(phpSerialize('é')).toBe('s:2:"é";');
    expect(phpSerialize('😀')).toBe('s:4:"😀";');
  });

  it('serializes lists with integer indexes', () => {
    expect(phpSerialize(['a', 2])).toBe('a:2:{i:0;s:1:"a";i:1;i:2;}');
    expect(phpSerialize([])).toBe('a:0:{}');
  });

  it('sorts object keys by byte order at every level', () => {
    expect(phpSerialize({ b: 1, a: 2, B: 3 })).toBe('a:3:{s:1:"B";i:3;s:1:"a";i:2;s:1:"b";i:1;}');
    expect(phpSerialize({ z: { y: 1, x: 2 } })).toBe('a:1:{s:1:"z";a:2:{s:1:"x";i:2;s:1:"y";i:1;}}');
  });

  it('turns decimal-integer keys into integer keys, as PHP arrays do', () => {
    expect(phpSerialize({ '7': 'a' })).toBe('a:1:{i:7;s:1:"a";}');
    expect(phpSerialize({ '07': 'a' })).toBe('a:1:{s:2:"07";s:1:"a";}');
  });

  it('keeps __proto__ as a plain key', () => {
    const value = JSON.parse('{"__proto__": 1}') as PhpValue;
    expect(phpSerialize(value)).toBe('a:1:{s:9:"__proto__";i:1;}');
  });
});

describe('imageHash', () => {
  it('gives sha1(binary_hash + "a:0:{}") for a plain upload', () => {
    expect(imageHash(BIN)).toBe(sha1(`${BIN}a:0:{}`));
    expect(imageHash(BIN, {}, false)).toBe(sha1(`${BIN}a:0:{}`));
  });

  it('adds "protected" => true for a protected image', () => {
    expect(imageHash(BIN, {}, true)).toBe(sha1(`${BIN}a:1:{s:9:"protected";b:1;}`));
    expect(imageHash(BIN, {}, true)).not.toBe(imageHash(BIN));
  });

  it('hashes a normalized subject area', () => {
    const dynamic = { subject_area: { width: 20, height: 20, x: 10, y: 10 } };
    expect(imageHash(BIN, dynamic)).toBe(
      sha1(`${BIN}a:1:{s:12:"subject_area";a:4:{s:6:"height";i:20;s:5:"width";i:20;s:1:"x";i:10;s:1:"y";i:10;}}`),
    );
  });

  it('sorts "protected" in with the dynamic names', () => {
    const dynamic = { version: { text: 'v2' }, crop_area: { width: 1, height: 1, x: 0, y: 0 } };
    expect(imageHash(BIN, dynamic, true)).toBe(
      sha1(
        `${BIN}a:3:{s:9:"crop_area";a:4:{s:6:"height";i:1;s:5:"width";i:1;s:1:"x";i:0;s:1:"y";i:0;}` +
          `s:9:"protected";b:1;s:7:"version";a:1:{s:4:"text";s:2:"v2";}}`,
      ),
    );
  });

  it('does not change the map it is given', () => {
    const dynamic = { version: { text: 'a' } };
    imageHash(BIN, dynamic, true);
    expect(dynamic).toEqual({ version: { text: 'a' } });
  });

  it('sha1Hex hashes strings and buffers alike', () => {
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(Buffer.from('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('hash shapes', () => {
  it('isFullHash accepts exactly 40 lower-case hex digits', () => {
    expect(isFullHash(BIN)).toBe(true);
    expect(isFullHash(BIN.toUpperCase())).toBe(false);
    expect(isFullHash(BIN.slice(1))).toBe(false);
    expect(isFullHash(`${BIN}0`)).toBe(false);
  });

  it('isHashLike accepts 6 to 40 hex digits in any case', () => {
    expect(isHashLike('abcdef')).toBe(true);
    expect(isHashLike('ABCDEF')).toBe(true);
    expect(isHashLike('abcde')).toBe(false);
    expect(isHashLike(`${BIN}0`)).toBe(false);
    expect(isHashLike('abcdeg')).toBe(false);
  });
});

// ---- properties ----

const leaf: fc.Arbitrary<PhpValue> = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
);
const key = fc.oneof(
  fc.constantFrom('subject_area', 'crop_area', 'version', 'multi_areas', 'x', 'y', 'width', 'height', '__proto__', '1'),
  fc.string({ maxLength: 6 }),
);
const { tree } = fc.letrec<{ tree: PhpValue }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
const dynamicMap = fc.dictionary(key, tree, { maxKeys: 5, noNullPrototype: true }) as fc.Arbitrary<
  Record<string, PhpValue>
>;

/** A deep copy whose object keys are inserted in an order taken from `order`. */
function reorder(value: PhpValue, order: () => number): PhpValue {
  if (Array.isArray(value)) return value.map((v) => reorder(v, order));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = order() % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, reorder(value[k] as PhpValue, order)]));
}

/** Canonical text of a value with sorted keys, independent of the serializer under test. */
function canonical(value: PhpValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k] as PhpValue)}`)
    .join(',')}}`;
}

describe('hash properties', () => {
  it('does not depend on the key order of the dynamic map, at any depth', () => {
    fc.assert(
      fc.property(
        dynamicMap,
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (map, isProtected, seeds) => {
          let i = 0;
          const order = () => seeds[i++ % seeds.length]!;
          const shuffled = reorder(map, order) as Record<string, PhpValue>;
          expect(imageHash(BIN, shuffled, isProtected)).toBe(imageHash(BIN, map, isProtected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives different serializations to different maps', () => {
    fc.assert(
      fc.property(dynamicMap, dynamicMap, (a, b) => {
        fc.pre(canonical(a) !== canonical(b));
        // -0 and 0, or 1 and 1.0, are the same JSON value; canonical() already treats them alike.
        expect(phpSerialize(a)).not.toBe(phpSerialize(b));
      }),
      { numRuns: 300 },
    );
  });

  it('tells a protected image from an unprotected one for every map', () => {
    fc.assert(
      fc.property(dynamicMap, (map) => {
        fc.pre(!('protected' in map));
        expect(imageHash(BIN, map, true)).not.toBe(imageHash(BIN, map, false));
      }),
    );
  });
});
