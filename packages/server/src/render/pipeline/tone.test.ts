import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { NormalizedOperation } from '../normalized.ts';
import { renderImage } from './render-image.ts';
import { decoded, facts, GREEN, near, quarters, RED, renderInput, solid } from './test-fixtures.ts';

async function renderOf(source: Buffer, width: number, height: number, ops: NormalizedOperation[]) {
  return decoded((await renderImage(renderInput(source, facts(width, height), ops))).bytes);
}

describe('grayscale', () => {
  it('makes every pixel grey, keeping colours apart by lightness', async () => {
    const image = await renderOf(await quarters(100, 100), 100, 100, [{ name: 'grayscale' }]);
    for (const [x, y] of [
      [10, 10],
      [90, 10],
      [10, 90],
      [90, 90],
    ] as const) {
      const [r, g, b] = image.at(x, y);
      expect(r).toBe(g);
      expect(g).toBe(b);
    }
    // Green is lighter than red.
    expect(image.at(90, 10)[0]).toBeGreaterThan(image.at(10, 10)[0] + 40);
  });
});

describe('sepia', () => {
  it('tints grey warm: red over green over blue', async () => {
    // The sepia weights on mid grey 128: R 128·1.351 ≈ 173, G 128·1.203 ≈ 154, B 128·0.937 ≈ 120.
    const image = await renderOf(await solid(20, 20, [128, 128, 128]), 20, 20, [{ name: 'sepia' }]);
    expect(near(image.at(10, 10), [173, 154, 120], 3)).toBe(true);
  });
});

describe('modulate', () => {
  const op = (brightness: number, saturation: number, hue: number): NormalizedOperation => ({
    name: 'modulate',
    brightness,
    saturation,
    hue,
  });

  it('brightness lightens and darkens', async () => {
    const grey = await solid(20, 20, [100, 100, 100]);
    const lighter = await renderOf(grey, 20, 20, [op(150, 100, 0)]);
    const darker = await renderOf(grey, 20, 20, [op(50, 100, 0)]);
    expect(lighter.at(5, 5)[0]).toBeGreaterThan(130);
    expect(darker.at(5, 5)[0]).toBeLessThan(70);
  });

  it('saturation 0 takes the colour out', async () => {
    const [r, g, b] = (await renderOf(await solid(20, 20, RED), 20, 20, [op(100, 0, 0)])).at(5, 5);
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(3);
  });

  it('hue turns red towards cyan at 180°', async () => {
    const [r, g, b] = (await renderOf(await solid(20, 20, RED), 20, 20, [op(100, 100, 180)])).at(5, 5);
    expect(g).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(r);
  });
});

describe('blur', () => {
  it('smooths an edge and leaves flat parts alone', async () => {
    // Black left half, white right half.
    const data = Buffer.alloc(100 * 40 * 3);
    for (let y = 0; y < 40; y++)
      for (let x = 50; x < 100; x++) data.fill(255, (y * 100 + x) * 3, (y * 100 + x) * 3 + 3);
    const source = await sharp(data, { raw: { width: 100, height: 40, channels: 3 } })
      .png()
      .toBuffer();
    const sharpEdge = await renderOf(source, 100, 40, []);
    expect(sharpEdge.at(49, 20)[0]).toBe(0);
    expect(sharpEdge.at(50, 20)[0]).toBe(255);
    const blurred = await renderOf(source, 100, 40, [{ name: 'blur', sigma: 4 }]);
    expect(blurred.at(49, 20)[0]).toBeGreaterThan(60);
    expect(blurred.at(50, 20)[0]).toBeLessThan(195);
    expect(blurred.at(2, 20)[0]).toBeLessThan(3);
    expect(blurred.at(97, 20)[0]).toBeGreaterThan(252);
  });
});

describe('operations keep stack order where sharp would not', () => {
  it('grayscale then a resize: still grey, at the new size', async () => {
    const image = await renderOf(await quarters(100, 100), 100, 100, [
      { name: 'grayscale' },
      { name: 'resize', width: 50, height: undefined, mode: 'box', upscale: true, upscale_dpr: true, sharpen: false },
    ]);
    expect([image.width, image.height]).toEqual([50, 50]);
    const [r, g, b] = image.at(40, 10);
    expect([r, g]).toEqual([b, b]);
    expect(near(image.at(40, 10), GREEN)).toBe(false);
  });
});
