// Drawing on a scaled preview gives the box in the image's own pixels.

import { describe, expect, it } from 'vitest';
import { areaFromDrag, overlayStyle } from './area.ts';

const image = { width: 1600, height: 800 };
const displayed = { width: 800, height: 400 };

describe('areaFromDrag', () => {
  it('scales a drag from screen to image pixels, whichever way it went', () => {
    expect(areaFromDrag({ x: 400, y: 0 }, { x: 800, y: 400 }, displayed, image)).toEqual({
      x: 800,
      y: 0,
      width: 800,
      height: 800,
    });
    expect(areaFromDrag({ x: 300, y: 200 }, { x: 100, y: 50 }, displayed, image)).toEqual({
      x: 200,
      y: 100,
      width: 400,
      height: 300,
    });
  });

  it('keeps a drag past the edge inside the image', () => {
    expect(areaFromDrag({ x: 700, y: 300 }, { x: 900, y: 500 }, displayed, image)).toEqual({
      x: 1400,
      y: 600,
      width: 200,
      height: 200,
    });
  });

  it('makes a click a 1 × 1 focus point', () => {
    expect(areaFromDrag({ x: 100, y: 100 }, { x: 102, y: 101 }, displayed, image)).toEqual({
      x: 200,
      y: 200,
      width: 1,
      height: 1,
    });
    expect(areaFromDrag({ x: 800, y: 400 }, { x: 800, y: 400 }, displayed, image)).toEqual({
      x: 1599,
      y: 799,
      width: 1,
      height: 1,
    });
  });
});

describe('overlayStyle', () => {
  it('places pixel areas and percentage areas alike', () => {
    expect(overlayStyle({ x: 800, y: 0, width: 400, height: 200 }, image)).toEqual({
      left: '50.000%',
      top: '0.000%',
      width: '25.000%',
      height: '25.000%',
    });
    expect(overlayStyle({ x: 10, y: 20, width: 30, height: 40, percentage: true }, image).left).toBe('10.000%');
  });
});
