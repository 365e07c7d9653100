// The expression language as a stack author sees it: what an expression
// evaluates to, and the 400 it gets when it is outside origo's subset.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf, expect400 } from '../../../test/fixtures.ts';
import { isOrigoError } from '../../errors.ts';
import type { ImageFacts } from '../model.ts';
import { type ExpressionScope, evaluateExpression } from './evaluate.ts';

const IMAGE: ImageFacts = {
  hash: 'c1b110f4a2f6e4c1d3b5a7e9f0a1b2c3d4e5f6a7',
  width: 1200,
  height: 800,
  format: 'jpg',
  animated: false,
  subjectArea: { x: 100, y: 50, width: 300, height: 200 },
  cropArea: undefined,
  multiAreas: {},
  userMetadata: { title: 'Harbour', rank: 3, tags: ['a', 'b'], hidden: false },
};

const SCOPE: ExpressionScope = {
  variables: { w: 500, h: '250', name: 'big', zero: 0, nothing: null },
  image: IMAGE,
  options: { dpr: 2, 'jpg.quality': 70 },
};

const run = (text: string, scope: ExpressionScope = SCOPE) => evaluateExpression(text, scope);

describe('literals', () => {
  it.each([
    ['42', 42],
    ['3.25', 3.25],
    ['.5', 0.5],
    ['1_000', 1000],
    ['2e3', 2000],
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ['"a\\"b"', 'a"b'],
    ['"tab\\there"', 'tab\there'],
    ['"back\\\\slash"', 'back\\slash'],
    ['true', true],
    ['false', false],
    ['null', null],
    ['TRUE', true],
  ])('%s → %j', (text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe('arithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['-7 % 3', -1],
    ['7.9 % 3', 1],
    ['-$w', -500],
    ['+$h', 250],
    ['- - 3', 3],
    ['2 ** 3 ** 2', 512],
    ['$w / 2', 250],
    ['$h * 2', 500],
    ['$h + 1', 251],
    ['true + 1', 2],
    ['$nothing + 1', 1],
  ])('%s → %j', (text, expected) => {
    expect(run(text)).toBe(expected);
  });

  it('refuses a division by zero', () => {
    expect400(() => run('$w / $zero'), 'expression "$w / $zero" divides by zero');
    expect400(() => run('5 % 0.5'), 'divides by zero');
  });

  it('refuses a string that is no number', () => {
    expect400(() => run('$name * 2'), 'uses the string "big" as a number with "*"');
    expect400(() => run('"5px" + 1'), 'uses the string "5px" as a number');
  });

  it('refuses results that are not finite', () => {
    expect400(() => run('10 ** 400'), 'not a usable number');
  });
});

describe('strings', () => {
  it('concatenates with ~, casting like PHP', () => {
    expect(run("'w' ~ $w")).toBe('w500');
    expect(run("'a' ~ true ~ false ~ null ~ 1.5")).toBe('a11.5');
  });

  it('binds ~ tighter than + (as Symfony does)', () => {
    expect(run("1 + 2 ~ '3'")).toBe(24);
  });
});

describe('comparisons', () => {
  it.each([
    ['$w > 400', true],
    ['$w <= 499', false],
    ['$w >= 500', true],
    ['$w < 500', false],
    ['$h == 250', true],
    ['$h === 250', false],
    ["$h === '250'", true],
    ['$h != 250', false],
    ['$h !== 250', true],
    ["'abc' < 'abd'", true],
    ["'10' == '1e1'", true],
    ["'abc' == 0", false],
    ['null == 0', true],
    ["null == ''", true],
    ["null == '0'", false],
    ['$h > 100', true],
    ["'9' < '10'", true],
    ['options.missing >= 2', false],
    ['options.missing < 2', true],
  ])('%s → %j', (text, expected) => {
    expect(run(text)).toBe(expected);
  });
});

describe('logic', () => {
  it.each([
    ['true and false', false],
    ['true && true', true],
    ['false or true', true],
    ['false || false', false],
    ['not false', true],
    ['!true', false],
    ["not ''", true],
    ["not '0'", true],
    ['not 0.0', true],
    ['not $w', false],
    ['$w > 400 and $w < 600', true],
    ['$w > 600 or image.width > 1000', true],
  ])('%s → %j', (text, expected) => {
    expect(run(text)).toBe(expected);
  });

  it('binds not tighter than == (as Symfony does)', () => {
    // (not 1) == false
    expect(run('not 1 == false')).toBe(true);
  });

  it('does not evaluate the right side when the left decides', () => {
    expect(run('$zero != 0 and 10 / $zero > 1')).toBe(false);
    expect(run('$zero == 0 or 10 / $zero > 1')).toBe(true);
  });

  it('has ternaries, the short ternary and ??', () => {
    expect(run('$w < 600 ? $w : 600')).toBe(500);
    expect(run('$w > 600 ? $w : 600')).toBe(600);
    expect(run("$w > 600 ? 'a' : $w > 400 ? 'b' : 'c'")).toBe('b');
    expect(run('$zero ?: 7')).toBe(7);
    expect(run('$w ?: 7')).toBe(500);
    expect(run('$nothing ?? 9')).toBe(9);
    expect(run('$zero ?? 9')).toBe(0);
    expect(run('options.missing ?? 1')).toBe(1);
  });
});

describe('names', () => {
  it('reads the image', () => {
    expect(run('image.width')).toBe(1200);
    expect(run('image.height')).toBe(800);
    expect(run('image.format')).toBe('jpg');
    expect(run('image.hash')).toBe('c1b110f4a2f6e4c1d3b5a7e9f0a1b2c3d4e5f6a7');
    expect(run('image.hasSubjectArea')).toBe(true);
    expect(run('image.isAnimated')).toBe(false);
    expect(run('image.subject_area.x + image.subject_area.width')).toBe(400);
    expect(run('image.subject_area.height')).toBe(200);
  });

  it('reads null for a subject area the image does not have', () => {
    const scope = { ...SCOPE, image: { ...IMAGE, subjectArea: undefined } };
    expect(run('image.hasSubjectArea', scope)).toBe(false);
    expect(run('image.subject_area.x', scope)).toBe(null);
  });

  it('reads user metadata; a missing field is null', () => {
    expect(run('image.meta_user.title')).toBe('Harbour');
    expect(run('image.meta_user.rank * 2')).toBe(6);
    expect(run('image.meta_user.hidden')).toBe(false);
    expect(run('image.meta_user.missing')).toBe(null);
    expect(run('image.meta_user.constructor')).toBe(null);
  });

  it('reads stack options, dotted names included; a missing one is null', () => {
    expect(run('options.dpr >= 2')).toBe(true);
    expect(run('options.jpg.quality')).toBe(70);
    expect(run('options.autoformat')).toBe(null);
  });

  it('refuses a list from user metadata', () => {
    expect400(() => run('image.meta_user.tags'), 'reads "image.meta_user.tags", which is a list');
  });

  it('refuses unknown variables, naming the ones defined', () => {
    expect400(
      () => run('$width * 2'),
      'expression "$width * 2" uses the variable "$width", which is not defined (defined: $w, $h, $name, $zero, $nothing)',
    );
    expect400(() => run('$toString', SCOPE), 'not defined');
  });

  it.each([
    ['width * 2', 'uses the unknown name "width"'],
    ['image', 'reads "image" alone'],
    ['image.size', 'reads "image.size"; image has the fields width, height, format, hash, hasSubjectArea, isAnimated'],
    ['image.width.x', 'image.width is a plain value and has no fields'],
    ['image.subject_area', 'image.subject_area has the fields x, y, width, height'],
    ['image.subject_area.z', 'image.subject_area has the fields x, y, width, height'],
    ['image.meta_user', 'name one user metadata field'],
    ['options', 'reads "options" alone'],
    ['$w.x', '$w is a plain value and has no fields'],
    ['request.headers.save_data', 'uses the unknown name "request"'],
  ])('refuses %s', (text, mention) => {
    expect400(() => run(text), `expression ${JSON.stringify(text)} `);
    expect400(() => run(text), mention);
  });

  it('refuses unknown names even in a branch that is not taken', () => {
    expect400(() => run('true or bogus'), 'unknown name "bogus"');
  });
});

describe('what is outside the subset', () => {
  it.each([
    ['$w * 2 +', 'ends early: a value is missing after "+"'],
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['max(1, 2)', 'calls "max(…)": functions and methods are not supported'],
    ['image.width.toFixed()', 'calls "image.width.toFixed(…)"'],
    ['constant("PHP_EOL")', 'functions and methods are not supported'],
    ['[1, 2]', 'unexpected character "[" at position 1: arrays are not supported'],
    ['{a: 1}', 'hashes are not supported'],
    ['$w = 3', 'assignment is not supported'],
    ['$w & 1', 'bitwise operators are not supported'],
    ['1..3', 'ranges are not supported'],
    ["$name matches '/b/'", 'uses the operator "matches" at position 7, which is not supported'],
    ['$w in (1)', 'uses the operator "in"'],
    ['1, 2', 'unexpected "," at position 2: lists are not supported'],
    ['(1 + 2', 'the "(" at position 1 is never closed'],
    ['1 + 2)', 'unexpected ")" at position 6: it closes nothing'],
    ['2 px', 'unexpected "px" at position 3: an operator is missing before it'],
    ['$w ? 1', 'the ":" of "? :" is missing'],
    ["'open", "has a string opened with ' at position 1 that is never closed"],
    ["'\\q'", 'unknown escape "\\q"'],
    ['$ w', 'not followed by a variable name'],
    ['1 + * 2', 'has "*" at position 5 where a value is expected'],
    ['and 1', 'has the operator "and" at position 1 where a value is expected'],
    ['image.', 'a field name is missing after "."'],
    ['#', 'unexpected character "#"'],
  ])('%j', (text, mention) => {
    const err = errorOf(() => run(text));
    expect(err.code).toBe('ORIGO_ERR_RENDER_BAD_EXPRESSION');
    expect(err.status).toBe(400);
    expect(err.message).toContain(`expression ${JSON.stringify(text)}`);
    expect(err.message).toContain(mention);
  });
});

describe('bounds', () => {
  it('accepts 1000 characters and refuses 1001', () => {
    const sum = (terms: number) => Array.from({ length: terms }, () => '1').join('+');
    // 500 terms: 999 characters.
    expect(run(`${sum(500)} `)).toBe(500);
    expect400(() => run(`${sum(500)}  `), 'is 1001 characters long; expressions have at most 1000');
  });

  it('accepts 32 levels of parentheses and refuses 33', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}1${')'.repeat(depth)}`;
    expect(run(nested(32))).toBe(1);
    expect400(() => run(nested(33)), 'nests deeper than 32 levels');
  });

  it('refuses long chains of unary operators', () => {
    expect400(() => run(`${'-'.repeat(40)}1`), 'nests deeper than 32 levels');
    expect400(() => run(`${'not '.repeat(40)}true`), 'nests deeper than 32 levels');
  });
});

describe('any text', () => {
  const isExpressionError = (err: unknown) =>
    isOrigoError(err) && err.code === 'ORIGO_ERR_RENDER_BAD_EXPRESSION' && err.status === 400;

  /** Evaluates, and tells whether the outcome is a value or a 400 — never another kind of failure. */
  const valueOr400 = (text: string) => {
    try {
      const value = run(text);
      return value === null || ['string', 'number', 'boolean'].includes(typeof value);
    } catch (err) {
      return isExpressionError(err);
    }
  };

  it('gives a value or a 400 for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), valueOr400), { numRuns: 500 });
  });

  it('gives a value or a 400 for arbitrary sequences of the language’s own tokens', () => {
    const token = fc.constantFrom(
      ...['1', '2.5', "'s'", '"t"', 'true', 'null', '$w', '$h', '$name', '$zero', '$missing', 'image.width'],
      ...['image.subject_area.x', 'image.meta_user.title', 'options.dpr', 'options.nope', 'image.bogus'],
      ...['+', '-', '*', '/', '%', '**', '~', '==', '===', '!=', '<', '>=', 'and', 'or', 'not', '!', '&&', '||'],
      ...['?', ':', '??', '(', ')', '.', ','],
    );
    const soup = fc.array(token, { maxLength: 20 }).map((tokens) => tokens.join(' '));
    fc.assert(fc.property(soup, valueOr400), { numRuns: 1000 });
  });
});
