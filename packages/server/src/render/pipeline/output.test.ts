// What comes out: formats, animation, limits, failures, the empty stack.

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../../errors.ts';
import { renderImage } from './render-image.ts';
import { BLUE, cropOp, decoded, facts, quarters, RED, renderInput, resizeOp, solid } from './test-fixtures.ts';

/** A 2-frame animated GIF, 40×30: red, then blue, 100 ms each. */
async function twoFrameGif(): Promise<Buffer> {
  const frame = (c: number[]) => {
    const data = Buffer.alloc(40 * 30 * 4);
    for (let i = 0; i < data.length; i += 4) data.set([...c, 255], i);
    return data;
  };
  return sharp(Buffer.concat([frame(RED), frame(BLUE)]), {
    raw: { width: 40, height: 60, channels: 4, pageHeight: 30 },
  })
    .gif({ delay: [100, 100], loop: 0 })
    .toBuffer();
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (isOrigoError(err)) return { code: err.code, status: err.status, message: err.message };
    throw err;
  }
  throw new Error('the render was not refused');
}

describe('output formats', () => {
  it('an empty stack converts the stored image to the format', async () => {
    const source = await quarters(64, 48);
    const out = await renderImage(renderInput(source, facts(64, 48), [], { format: 'jpg' }));
    expect(out.contentType).toBe('image/jpeg');
    expect([out.bytes[0], out.bytes[1]]).toEqual([0xff, 0xd8]);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 64, 48]);
  });

  for (const [format, sharpName, type] of [
    ['png', 'png', 'image/png'],
    ['gif', 'gif', 'image/gif'],
    ['webp', 'webp', 'image/webp'],
    ['avif', 'heif', 'image/avif'],
  ] as const) {
    it(`${format} is written as ${type}`, async () => {
      const out = await renderImage(renderInput(await quarters(32, 32), facts(32, 32), [], { format, quality: 60 }));
      expect(out.contentType).toBe(type);
      expect((await sharp(out.bytes).metadata()).format).toBe(sharpName);
    });
  }

  it('heic is written, or refused by name where libvips has no HEVC encoder', async () => {
    const render = renderImage(renderInput(await quarters(32, 32), facts(32, 32), [], { format: 'heic' }));
    const out = await render.catch((err: unknown) => err);
    if (isOrigoError(out)) {
      expect(out.code).toBe('ORIGO_ERR_RENDER_UNKNOWN_FORMAT');
      expect(out.message).toContain('heic');
    } else {
      expect(out).toMatchObject({ contentType: 'image/heic' });
    }
  });

  it('lossless WebP keeps exact colours', async () => {
    const out = await renderImage(
      renderInput(await quarters(32, 32), facts(32, 32), [], { format: 'webp', lossless: true }),
    );
    const image = await decoded(out.bytes);
    expect(image.at(3, 3).slice(0, 3)).toEqual(RED);
  });

  it('transparency is flattened onto the transparency colour for JPEG', async () => {
    const source = await solid(20, 20, [0, 0, 0], 0);
    const out = await renderImage(
      renderInput(source, facts(20, 20), [], { format: 'jpg', transparencyColor: 'FF0000' }),
    );
    const [r, g, b] = (await decoded(out.bytes)).at(10, 10);
    expect(r).toBeGreaterThan(240);
    expect(g + b).toBeLessThan(20);
  });
});

describe('animation', () => {
  it('an animated GIF stays animated as GIF, every frame resized', async () => {
    const source = await twoFrameGif();
    const out = await renderImage(
      renderInput(source, facts(40, 30, { animated: true }), [resizeOp({ width: 20 })], { format: 'gif' }),
    );
    expect([out.width, out.height]).toEqual([20, 15]);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.pages, meta.width, meta.height]).toEqual([2, 20, 15]);
    expect(meta.delay).toEqual([100, 100]);
    const second = await sharp(out.bytes, { page: 1 }).raw().toBuffer();
    expect([second[0], second[1], second[2]]).toEqual(BLUE);
  });

  it('and as WebP, with a crop on every frame', async () => {
    const source = await twoFrameGif();
    const out = await renderImage(
      renderInput(source, facts(40, 30, { animated: true }), [cropOp({ width: 10, height: 10 })], { format: 'webp' }),
    );
    const meta = await sharp(out.bytes).metadata();
    expect([meta.format, meta.pages, meta.width, meta.height]).toEqual(['webp', 2, 10, 10]);
  });

  it('a still format takes the first frame', async () => {
    const out = await renderImage(
      renderInput(await twoFrameGif(), facts(40, 30, { animated: true }), [], { format: 'png' }),
    );
    const meta = await sharp(out.bytes).metadata();
    expect([meta.pages ?? 1, meta.width, meta.height]).toEqual([1, 40, 30]);
    expect((await decoded(out.bytes)).at(5, 5).slice(0, 3)).toEqual(RED);
  });

  it('more frames than the limit are refused', async () => {
    const input = renderInput(await twoFrameGif(), facts(40, 30, { animated: true }), [], { format: 'gif' });
    const refused = await refusal(renderImage({ ...input, limits: { ...input.limits, frames: 1 } }));
    expect(refused.code).toBe('ORIGO_ERR_RENDER_TOO_MANY_PIXELS');
    expect(refused.message).toContain('2 frames');
  });
});

describe('limits and failures', () => {
  it('an output over 10000 px a side is refused before it is made', async () => {
    const refused = await refusal(
      renderImage(renderInput(await quarters(100, 50), facts(100, 50), [resizeOp({ width: 20000 })])),
    );
    expect(refused).toMatchObject({ code: 'ORIGO_ERR_RENDER_TOO_MANY_PIXELS', status: 400 });
    expect(refused.message).toContain('20000×10000');
  });

  it('an output over the pixel limit is refused, naming the size', async () => {
    const input = renderInput(await quarters(100, 100), facts(100, 100), [resizeOp({ width: 300 })]);
    const refused = await refusal(renderImage({ ...input, limits: { ...input.limits, outputPixels: 50_000 } }));
    expect(refused.code).toBe('ORIGO_ERR_RENDER_TOO_MANY_PIXELS');
    expect(refused.message).toContain('300×300');
  });

  it('an empty stack on a source over the output limit is refused', async () => {
    const input = renderInput(await quarters(100, 100), facts(100, 100), []);
    const refused = await refusal(renderImage({ ...input, limits: { ...input.limits, outputPixels: 5000 } }));
    expect(refused.code).toBe('ORIGO_ERR_RENDER_TOO_MANY_PIXELS');
    expect(refused.message).toContain('100×100');
  });

  it('a source over the input pixel limit is refused', async () => {
    const input = renderInput(await quarters(100, 100), facts(100, 100), []);
    const refused = await refusal(renderImage({ ...input, limits: { ...input.limits, inputPixels: 5000 } }));
    expect(refused.code).toBe('ORIGO_ERR_RENDER_TOO_MANY_PIXELS');
  });

  it('a source that no longer decodes is a server error naming the image', async () => {
    const truncated = (
      await sharp(await quarters(200, 200))
        .jpeg()
        .toBuffer()
    ).subarray(0, 600);
    const refused = await refusal(renderImage(renderInput(truncated, facts(200, 200), [resizeOp({ width: 50 })])));
    expect(refused).toMatchObject({ code: 'ORIGO_ERR_SERVER_INTERNAL', status: 500 });
    expect(refused.message).toContain('c1b110');
    const garbage = await refusal(renderImage(renderInput(Buffer.from('not an image'), facts(1, 1), [])));
    expect(garbage.status).toBe(500);
  });
});
