// trim, alpha, dropshadow and composition: operations that change the
// canvas or its transparency.

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { CompositionOperation, DropshadowOperation, NormalizedOperation } from '../normalized.ts';
import { renderImage } from './render-image.ts';
import { area, BLUE, cropOp, decoded, facts, GREEN, near, quarters, RED, renderInput, solid } from './test-fixtures.ts';

async function renderOf(source: Buffer, width: number, height: number, ops: NormalizedOperation[], more = {}) {
  const out = await renderImage(renderInput(source, facts(width, height), ops, more));
  return decoded(out.bytes);
}

/** A `size`² green square inside a `border` px frame; the frame alternates between `a` and `b` grey. */
async function framed(size: number, border: number, a: number, b: number): Promise<Buffer> {
  const side = size + 2 * border;
  const data = Buffer.alloc(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const inside = x >= border && x < border + size && y >= border && y < border + size;
      const grey = (x + y) % 2 === 0 ? a : b;
      data.set(inside ? GREEN : [grey, grey, grey], (y * side + x) * 3);
    }
  }
  return sharp(data, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

describe('trim', () => {
  it('removes a uniform border', async () => {
    const image = await renderOf(await framed(60, 20, 255, 255), 100, 100, [{ name: 'trim', fuzzy: 0 }]);
    expect([image.width, image.height]).toEqual([60, 60]);
    expect(image.at(0, 0).slice(0, 3)).toEqual(GREEN);
    expect(image.at(59, 59).slice(0, 3)).toEqual(GREEN);
  });

  it('fuzzy lets a border that varies count as one colour', async () => {
    // A frame mixing white and 215 grey: 40 apart, about 16 % of the range.
    const source = await framed(60, 20, 255, 215);
    const strict = await renderOf(source, 100, 100, [{ name: 'trim', fuzzy: 5 }]);
    expect(strict.width).toBeGreaterThan(60);
    const loose = await renderOf(source, 100, 100, [{ name: 'trim', fuzzy: 30 }]);
    expect([loose.width, loose.height]).toEqual([60, 60]);
  });
});

describe('trim and areas', () => {
  it('the subject area stays on its content after the border is trimmed', async () => {
    // A 100×100 four-colour image in a 20 px white frame; the subject is in the green quarter.
    const inner = await sharp(await quarters(100, 100))
      .extend({ top: 20, bottom: 20, left: 20, right: 20, background: '#ffffff' })
      .png()
      .toBuffer();
    const out = await renderImage(
      renderInput(inner, facts(140, 140, { subjectArea: area(95, 40, 1, 1) }), [
        { name: 'trim', fuzzy: 0 },
        cropOp({ width: 50, height: 50 }),
      ]),
    );
    const image = await decoded(out.bytes);
    expect([image.width, image.height]).toEqual([50, 50]);
    expect(image.at(0, 0).slice(0, 3)).toEqual(GREEN);
    expect(image.at(49, 49).slice(0, 3)).toEqual(GREEN);
  });
});

/** 20×10 RGBA: left half opaque red, right half fully transparent blue. */
async function halfTransparent(): Promise<Buffer> {
  const data = Buffer.alloc(20 * 10 * 4);
  for (let y = 0; y < 10; y++) {
    for (let x = 0; x < 20; x++) data.set(x < 10 ? [255, 0, 0, 255] : [0, 0, 255, 0], (y * 20 + x) * 4);
  }
  return sharp(data, { raw: { width: 20, height: 10, channels: 4 } })
    .png()
    .toBuffer();
}

describe('alpha', () => {
  const op = (mode: 'mask' | 'extract' | 'remove' | 'apply', opacity = 50): NormalizedOperation => ({
    name: 'alpha',
    mode,
    opacity,
  });

  it('mask shows the alpha channel as black and white', async () => {
    const image = await renderOf(await halfTransparent(), 20, 10, [op('mask')]);
    expect(image.channels).toBe(3);
    expect(image.at(2, 5)).toEqual([255, 255, 255, 255]);
    expect(image.at(17, 5)).toEqual([0, 0, 0, 255]);
  });

  it('extract keeps the shape, in black', async () => {
    const image = await renderOf(await halfTransparent(), 20, 10, [op('extract')]);
    expect(image.at(2, 5)).toEqual([0, 0, 0, 255]);
    expect(image.at(17, 5)[3]).toBe(0);
  });

  it('remove drops the transparency, showing the colours under it', async () => {
    const image = await renderOf(await halfTransparent(), 20, 10, [op('remove')]);
    expect(image.channels).toBe(3);
    expect(image.at(2, 5).slice(0, 3)).toEqual(RED);
    expect(image.at(17, 5).slice(0, 3)).toEqual(BLUE);
  });

  it('apply makes the image see-through by opacity', async () => {
    const image = await renderOf(await solid(10, 10, RED), 10, 10, [op('apply', 50)]);
    expect(image.at(5, 5)).toEqual([255, 0, 0, 128]);
    const kept = await renderOf(await halfTransparent(), 20, 10, [op('apply', 50)]);
    expect(kept.at(17, 5)[3]).toBe(0);
  });
});

describe('dropshadow', () => {
  const shadow: DropshadowOperation = {
    name: 'dropshadow',
    horizontal: 10,
    vertical: 5,
    opacity: 100,
    sigma: 2,
    color: '000000',
  };

  it('draws the shadow behind, growing the canvas by offset and blur', async () => {
    const out = await renderImage(renderInput(await solid(50, 50, RED), facts(50, 50), [shadow]));
    const image = await decoded(out.bytes);
    // Blur spreads 3σ = 6 px each side, plus the 10 × 5 offset.
    expect([image.width, image.height]).toEqual([72, 67]);
    expect(image.at(31, 31)).toEqual([255, 0, 0, 255]);
    // Right of the image, inside the offset shadow: dark and nearly opaque.
    expect(near(image.at(61, 31), [0, 0, 0, 255], 30)).toBe(true);
    // The top-left corner is outside both.
    expect(image.at(0, 0)[3]).toBe(0);
  });

  it('is flattened onto the transparency colour for JPEG', async () => {
    const out = await renderImage(
      renderInput(await solid(50, 50, RED), facts(50, 50), [shadow], { format: 'jpg', transparencyColor: '0000FF' }),
    );
    expect(out.contentType).toBe('image/jpeg');
    const image = await decoded(out.bytes);
    expect(near(image.at(0, 0), [0, 0, 255], 20)).toBe(true);
  });
});

describe('composition', () => {
  function compose(more: Partial<CompositionOperation>): CompositionOperation {
    return {
      name: 'composition',
      mode: 'foreground',
      width: undefined,
      height: undefined,
      resize_mode: 'box',
      anchor: { x: 'center', y: 'center' },
      secondary_color: 'FFFFFF',
      secondary_opacity: 100,
      secondary_image: undefined,
      resize_to_primary: false,
      ...more,
    };
  }

  it('a background colour on a larger canvas, the image at the anchor', async () => {
    const ops = [compose({ mode: 'background', width: 100, height: 80, secondary_color: '0000FF' })];
    const image = await renderOf(await solid(50, 50, RED), 50, 50, ops);
    expect([image.width, image.height]).toEqual([100, 80]);
    expect(image.at(50, 40)).toEqual([255, 0, 0, 255]);
    expect(image.at(2, 2)).toEqual([0, 0, 255, 255]);
    const corner = await renderOf(await solid(50, 50, RED), 50, 50, [
      compose({
        mode: 'background',
        width: 100,
        height: 80,
        secondary_color: '0000FF',
        anchor: { x: 'right', y: 'bottom' },
      }),
    ]);
    expect(corner.at(97, 77)).toEqual([255, 0, 0, 255]);
    expect(corner.at(20, 20)).toEqual([0, 0, 255, 255]);
  });

  it('a half-opaque foreground colour tints the image', async () => {
    const image = await renderOf(await solid(20, 20, RED), 20, 20, [compose({ secondary_opacity: 50 })]);
    expect(near(image.at(10, 10), [255, 128, 128, 255], 3)).toBe(true);
  });

  it('a secondary image, placed and resized', async () => {
    const green = await solid(20, 20, GREEN);
    const loadImage = async (hash: string) => {
      expect(hash).toBe('0123abcd');
      return { source: green, image: facts(20, 20, { hash }) };
    };
    const base = await solid(50, 50, RED);
    const placed = await decoded(
      (
        await renderImage({
          ...renderInput(base, facts(50, 50), [
            compose({ secondary_image: '0123abcd', anchor: { x: 'left', y: 'top' } }),
          ]),
          loadImage,
        })
      ).bytes,
    );
    expect([placed.width, placed.height]).toEqual([50, 50]);
    expect(placed.at(5, 5)).toEqual([0, 255, 0, 255]);
    expect(placed.at(40, 40)).toEqual([255, 0, 0, 255]);
    const covering = await decoded(
      (
        await renderImage({
          ...renderInput(base, facts(50, 50), [compose({ secondary_image: '0123abcd', resize_to_primary: true })]),
          loadImage,
        })
      ).bytes,
    );
    expect(near(covering.at(45, 45), [0, 255, 0, 255], 2)).toBe(true);
  });
});
