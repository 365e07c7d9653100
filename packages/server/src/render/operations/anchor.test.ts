import { describe, expect, it } from 'vitest';
import { parseAnchor, parsePosition } from './anchor.ts';

describe('parseAnchor', () => {
  it('knows the named strategies', () => {
    expect(parseAnchor('auto')).toEqual({ kind: 'auto' });
    expect(parseAnchor('subjectarea')).toEqual({ kind: 'subjectarea' });
    expect(parseAnchor('croparea')).toEqual({ kind: 'croparea' });
    expect(parseAnchor('smart')).toEqual({ kind: 'smart' });
  });

  it('reads named positions with _ or -', () => {
    expect(parseAnchor('left_top')).toEqual({ kind: 'position', x: 'left', y: 'top' });
    expect(parseAnchor('center_center')).toEqual({ kind: 'position', x: 'center', y: 'center' });
    expect(parseAnchor('right-bottom')).toEqual({ kind: 'position', x: 'right', y: 'bottom' });
  });

  it('reads pixel offsets, alone or mixed with names', () => {
    expect(parseAnchor('20_40')).toEqual({ kind: 'position', x: 20, y: 40 });
    expect(parseAnchor('0-0')).toEqual({ kind: 'position', x: 0, y: 0 });
    expect(parseAnchor('left_15')).toEqual({ kind: 'position', x: 'left', y: 15 });
    expect(parseAnchor('10000_center')).toEqual({ kind: 'position', x: 10000, y: 'center' });
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'face',
      'top_left', // Y first
      'center',
      'left_top_right',
      '10001_0', // beyond 10000 px
      '-5_0',
      '05_0', // leading zero
      '1.5_0',
      'Left_Top',
      'left__top',
    ]) {
      expect(parseAnchor(bad), bad).toBeUndefined();
    }
  });
});

describe('parsePosition', () => {
  it('reads positions but not strategies', () => {
    expect(parsePosition('center_bottom')).toEqual({ x: 'center', y: 'bottom' });
    expect(parsePosition('auto')).toBeUndefined();
    expect(parsePosition('smart')).toBeUndefined();
  });
});
