import { describe, expect, it } from 'vitest';
import { renderImage } from './render-image.ts';
import { decoded, facts, quarters, renderInput, resizeOp } from './test-fixtures.ts';

/** Renders a 300×200 source with one resize and returns the decoded size. */
async function sizeAfter(op: Parameters<typeof resizeOp>[0], dpr = 1): Promise<[number, number]> {
  const source = await quarters(300, 200);
  const out = await renderImage(renderInput(source, facts(300, 200), [resizeOp(op)], { dpr }));
  const image = await decoded(out.bytes);
  expect([out.width, out.height]).toEqual([image.width, image.height]);
  return [image.width, image.height];
}

describe('resize modes (300×200 source)', () => {
  it('box fits inside the box, keeping the aspect ratio', async () => {
    expect(await sizeAfter({ width: 150, height: 150, mode: 'box' })).toEqual([150, 100]);
    expect(await sizeAfter({ width: 600, height: 100, mode: 'box' })).toEqual([150, 100]);
  });

  it('fill covers the box, keeping the aspect ratio, without cropping', async () => {
    expect(await sizeAfter({ width: 150, height: 150, mode: 'fill' })).toEqual([225, 150]);
  });

  it('absolute stretches to exactly width×height', async () => {
    expect(await sizeAfter({ width: 100, height: 100, mode: 'absolute' })).toEqual([100, 100]);
  });

  it('one side given keeps the aspect ratio in every mode', async () => {
    expect(await sizeAfter({ width: 150 })).toEqual([150, 100]);
    expect(await sizeAfter({ height: 50, mode: 'absolute' })).toEqual([75, 50]);
    expect(await sizeAfter({ width: 60, mode: 'fill' })).toEqual([60, 40]);
  });

  it('upscale false never enlarges', async () => {
    expect(await sizeAfter({ width: 600, upscale: false })).toEqual([300, 200]);
    expect(await sizeAfter({ width: 600 })).toEqual([600, 400]);
  });

  it('sharpen keeps the size', async () => {
    expect(await sizeAfter({ width: 150, sharpen: true })).toEqual([150, 100]);
  });
});

describe('dpr and the upscale table (spec §6, a 300 px wide source)', () => {
  // (dpr 1, width 200), (dpr 2, 200), (dpr 1, 400), (dpr 2, 400)
  const cells: [number, number][] = [
    [1, 200],
    [2, 200],
    [1, 400],
    [2, 400],
  ];
  const table: [boolean, boolean, number[]][] = [
    [true, true, [200, 400, 400, 800]],
    [false, true, [200, 400, 300, 600]],
    [false, false, [200, 300, 300, 300]],
  ];
  for (const [upscale, upscale_dpr, widths] of table) {
    it(`upscale ${upscale}, upscale_dpr ${upscale_dpr} → ${widths.join(', ')}`, async () => {
      const got: number[] = [];
      for (const [dpr, width] of cells) got.push((await sizeAfter({ width, upscale, upscale_dpr }, dpr))[0]);
      expect(got).toEqual(widths);
    });
  }
});
