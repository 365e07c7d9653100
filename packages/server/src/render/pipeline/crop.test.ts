import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ImageFacts } from '../model.ts';
import type { NormalizedOperation } from '../normalized.ts';
import { renderImage } from './render-image.ts';
import {
  area,
  BLUE,
  cropOp,
  type Decoded,
  decoded,
  facts,
  GREEN,
  near,
  quarters,
  RED,
  renderInput,
  resizeOp,
  YELLOW,
} from './test-fixtures.ts';

async function render(size: number, ops: NormalizedOperation[], more: Partial<ImageFacts> = {}): Promise<Decoded> {
  const source = await quarters(size, size);
  const out = await renderImage(renderInput(source, facts(size, size, more), ops));
  return decoded(out.bytes);
}

/** The colours at the four corners, `inset` pixels in (resampling blends the quarters' edges). */
function corners(image: Decoded, inset = 0): number[][] {
  const r = image.width - 1 - inset;
  const b = image.height - 1 - inset;
  return [image.at(inset, inset), image.at(r, inset), image.at(inset, b), image.at(r, b)].map((p) => p.slice(0, 3));
}

describe('crop sizes', () => {
  it('absolute cuts width×height at the fallback (centre by default)', async () => {
    const image = await render(200, [cropOp({ width: 100, height: 100 })]);
    expect([image.width, image.height]).toEqual([100, 100]);
    expect(corners(image)).toEqual([RED, GREEN, BLUE, YELLOW]);
  });

  it('ratio cuts the largest box of that aspect', async () => {
    const image = await render(200, [cropOp({ width: 4, height: 1, mode: 'ratio' })]);
    expect([image.width, image.height]).toEqual([200, 50]);
  });

  it('scale takes a percentage of the box', async () => {
    const image = await render(200, [cropOp({ width: 100, height: 80, scale: 50 })]);
    expect([image.width, image.height]).toEqual([50, 40]);
  });

  it('box mode cuts the subject area’s box', async () => {
    const image = await render(200, [cropOp({ width: 10, height: 10, mode: 'box' })], {
      subjectArea: area(110, 20, 60, 30),
    });
    expect([image.width, image.height]).toEqual([60, 30]);
    expect(corners(image)).toEqual([GREEN, GREEN, GREEN, GREEN]);
  });

  it('area mode fits the subject area into the width:height ratio', async () => {
    // A 40×10 subject in a 1:1 box needs 40×40.
    const image = await render(200, [cropOp({ width: 1, height: 1, mode: 'area' })], {
      subjectArea: area(20, 130, 40, 10),
    });
    expect([image.width, image.height]).toEqual([40, 40]);
    expect(corners(image)).toEqual([BLUE, BLUE, BLUE, BLUE]);
  });
});

describe('crop anchors', () => {
  it('auto centres on the subject area, picking its quarter', async () => {
    const image = await render(200, [cropOp({ width: 100, height: 100 })], { subjectArea: area(150, 150, 1, 1) });
    expect(corners(image)).toEqual([YELLOW, YELLOW, YELLOW, YELLOW]);
  });

  it('auto centres the box on the area’s centre, clamped to the image', async () => {
    // Centre (140, 150) → box from (90, 100): ten columns of blue, then yellow.
    const image = await render(200, [cropOp({ width: 100, height: 100 })], { subjectArea: area(120, 130, 40, 40) });
    expect(image.at(9, 0).slice(0, 3)).toEqual(BLUE);
    expect(image.at(10, 0).slice(0, 3)).toEqual(YELLOW);
    expect(image.at(99, 99).slice(0, 3)).toEqual(YELLOW);
  });

  it('auto cuts a crop area exactly', async () => {
    const image = await render(200, [cropOp({ width: 100, height: 100 })], { cropArea: area(90, 90, 20, 20) });
    expect([image.width, image.height]).toEqual([20, 20]);
    expect(corners(image)).toEqual([RED, GREEN, BLUE, YELLOW]);
    expect(image.at(9, 9).slice(0, 3)).toEqual(RED);
    expect(image.at(10, 10).slice(0, 3)).toEqual(YELLOW);
  });

  it('auto prefers the subject area over a crop area', async () => {
    const image = await render(200, [cropOp({ width: 100, height: 100 })], {
      subjectArea: area(20, 150, 1, 1),
      cropArea: area(150, 10, 20, 20),
    });
    expect(corners(image)).toEqual([BLUE, BLUE, BLUE, BLUE]);
  });

  it('croparea uses the crop area even when a subject area exists', async () => {
    const image = await render(200, [cropOp({ width: 100, height: 100, anchor: { kind: 'croparea' } })], {
      subjectArea: area(20, 150, 1, 1),
      cropArea: area(150, 10, 20, 20),
    });
    expect([image.width, image.height]).toEqual([20, 20]);
    expect(corners(image)).toEqual([GREEN, GREEN, GREEN, GREEN]);
  });

  it('subjectarea without a subject area uses the fallback', async () => {
    const image = await render(200, [
      cropOp({ width: 100, height: 100, anchor: { kind: 'subjectarea' }, fallback: { x: 'right', y: 'top' } }),
    ]);
    expect(corners(image)).toEqual([GREEN, GREEN, GREEN, GREEN]);
  });

  it('positions: named edges and pixel offsets', async () => {
    const at = (x: 'left' | 'center' | 'right' | number, y: 'top' | 'center' | 'bottom' | number) =>
      render(200, [cropOp({ width: 100, height: 100, anchor: { kind: 'position', x, y } })]);
    expect(corners(await at('left', 'top'))).toEqual([RED, RED, RED, RED]);
    expect(corners(await at('right', 'bottom'))).toEqual([YELLOW, YELLOW, YELLOW, YELLOW]);
    expect(corners(await at(0, 100))).toEqual([BLUE, BLUE, BLUE, BLUE]);
    // An offset past the edge is clamped.
    expect(corners(await at(500, 0))).toEqual([GREEN, GREEN, GREEN, GREEN]);
  });

  it('area: a named multi_areas entry replaces the image’s own areas', async () => {
    const more = { subjectArea: area(20, 20, 1, 1), multiAreas: { hero: { subjectArea: area(150, 150, 1, 1) } } };
    expect(corners(await render(200, [cropOp({ width: 100, height: 100, area: 'hero' })], more))).toEqual([
      YELLOW,
      YELLOW,
      YELLOW,
      YELLOW,
    ]);
    // A missing entry falls back to the normal rule.
    expect(corners(await render(200, [cropOp({ width: 100, height: 100, area: 'other' })], more))).toEqual([
      RED,
      RED,
      RED,
      RED,
    ]);
  });

  it('movearea shifts the area by a percentage of its size', async () => {
    // A 40×40 area at (40, 40), moved 200 % right: centre (140, 60) → the green quarter's left part.
    const image = await render(200, [cropOp({ width: 60, height: 60, movearea_x: 200 })], {
      subjectArea: area(40, 40, 40, 40),
    });
    expect(corners(image)).toEqual([GREEN, GREEN, GREEN, GREEN]);
  });

  it('smart finds the interesting part', async () => {
    // A grey 300×100 strip with a bright detailed patch near its right end.
    const grey = Buffer.alloc(300 * 100 * 3, 128);
    for (let y = 30; y < 70; y++) {
      for (let x = 240; x < 280; x++) grey.set((x + y) % 2 === 0 ? [255, 0, 0] : [255, 255, 255], (y * 300 + x) * 3);
    }
    const source = await sharp(grey, { raw: { width: 300, height: 100, channels: 3 } })
      .png()
      .toBuffer();
    const out = await renderImage(
      renderInput(source, facts(300, 100), [cropOp({ width: 100, height: 100, anchor: { kind: 'smart' } })]),
    );
    const image = await decoded(out.bytes);
    expect([image.width, image.height]).toEqual([100, 100]);
    // The patch's columns 240–279 lie inside the box: it starts at 180 or later.
    let reds = 0;
    for (let x = 0; x < 100; x++) if (near(image.at(x, 50), [255, 0, 0], 0)) reds++;
    expect(reds).toBeGreaterThanOrEqual(15);
  });
});

describe('operations in a row', () => {
  it('a second crop cuts from the first one’s result', async () => {
    const image = await render(200, [
      cropOp({ width: 150, height: 150, anchor: { kind: 'position', x: 'left', y: 'top' } }),
      cropOp({ width: 100, height: 100, anchor: { kind: 'position', x: 'right', y: 'bottom' } }),
    ]);
    expect([image.width, image.height]).toEqual([100, 100]);
    expect(corners(image)).toEqual([RED, GREEN, BLUE, YELLOW]);
  });

  it('two resizes, then a crop', async () => {
    const image = await render(400, [
      resizeOp({ width: 200 }),
      resizeOp({ width: 100 }),
      cropOp({ width: 50, height: 50 }),
    ]);
    expect([image.width, image.height]).toEqual([50, 50]);
    expect(corners(image, 3)).toEqual([RED, GREEN, BLUE, YELLOW]);
  });
});

describe('areas follow earlier operations', () => {
  it('a resize before the crop scales the subject area', async () => {
    // Source 400×400; the subject at (300, 300) is at (150, 150) after halving.
    const image = await render(400, [resizeOp({ width: 200 }), cropOp({ width: 100, height: 100 })], {
      subjectArea: area(300, 300, 1, 1),
    });
    expect([image.width, image.height]).toEqual([100, 100]);
    expect(corners(image, 3)).toEqual([YELLOW, YELLOW, YELLOW, YELLOW]);
  });

  it('a crop, then a resize, then a crop keeps the area in place', async () => {
    // Cut the right half (200..400), halve it to 100×200; the subject at (390, 390) is then at (95, 195).
    const image = await render(
      400,
      [
        cropOp({ width: 200, height: 400, anchor: { kind: 'position', x: 'right', y: 'top' } }),
        resizeOp({ width: 100 }),
        cropOp({ width: 50, height: 50 }),
      ],
      { subjectArea: area(390, 390, 1, 1) },
    );
    expect([image.width, image.height]).toEqual([50, 50]);
    expect(corners(image, 3)).toEqual([YELLOW, YELLOW, YELLOW, YELLOW]);
  });
});
