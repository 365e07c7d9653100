// Splitting paths and segments with brackets respected.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanSegment, splitPathElements } from './scan.ts';

describe('splitPathElements', () => {
  it('splits on "/" outside brackets and keeps empty elements', () => {
    expect(splitPathElements('/dynamic//resize-width-[a / b]/abc.jpg')).toEqual([
      '',
      'dynamic',
      '',
      'resize-width-[a / b]',
      'abc.jpg',
    ]);
    expect(splitPathElements('/a/b-%5Bx/y%5D/c.jpg')).toEqual(['', 'a', 'b-%5Bx/y%5D', 'c.jpg']);
  });

  it('leaves a bracket left open in the last element alone', () => {
    expect(splitPathElements('/s/abcdef/[draft.jpg')).toEqual(['', 's', 'abcdef', '[draft.jpg']);
  });

  it('refuses a bracket left open before a "/"', () => {
    expect(() => splitPathElements('/s/resize-width-[a/abcdef.jpg')).toThrow('"[a/abcdef.jpg"');
  });

  it('treats a "]" with no "[" as text', () => {
    expect(splitPathElements('/s/a]/b.jpg')).toEqual(['', 's', 'a]', 'b.jpg']);
  });
});

describe('scanSegment', () => {
  it('splits groups on "--" and tokens on "-", brackets kept whole', () => {
    expect(scanSegment('resize-width-[$w--1]--o-af-1')).toEqual([
      { text: 'resize-width-[$w--1]', tokens: ['resize', 'width', '[$w--1]'] },
      { text: 'o-af-1', tokens: ['o', 'af', '1'] },
    ]);
  });

  it('drops empty groups', () => {
    expect(scanSegment('--a-1----b-2--').map((group) => group.text)).toEqual(['a-1', 'b-2']);
  });

  it('reads "--<digit>" as a negative value only where a value is due', () => {
    expect(scanSegment('rotate-angle--1.5').map((group) => group.tokens)).toEqual([['rotate', 'angle', '-1.5']]);
    expect(scanSegment('rotate-angle-1--9x').map((group) => group.tokens)).toEqual([['rotate', 'angle', '1'], ['9x']]);
  });

  it('refuses a bracket left open', () => {
    expect(() => scanSegment('resize-width-%5B$w')).toThrow('"%5B$w"');
  });

  it('gives back the tokens a segment was written from', () => {
    const token = fc.stringMatching(/^[a-z0-9_.]{1,8}$/);
    const expression = fc.stringMatching(/^[a-z0-9 $+*/-]{0,12}$/).map((inner) => `[${inner}]`);
    const group = fc.tuple(token, fc.array(fc.tuple(token, fc.oneof(token, expression)), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 4 }), (groups) => {
        const written = groups.map(([name, pairs]) => [name, ...pairs.flat()]);
        const segment = written.map((tokens) => tokens.join('-')).join('--');
        expect(scanSegment(segment).map((scanned) => scanned.tokens)).toEqual(written);
      }),
    );
  });
});
