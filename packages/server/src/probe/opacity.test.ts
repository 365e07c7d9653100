import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { animatedGif } from '../../test/bomb-images.ts';
import { alphaIsOpaque } from './opacity.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'origo-opacity-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(data: Buffer): string {
  const file = path.join(dir, `${counter++}`);
  fs.writeFileSync(file, data);
  return file;
}

/** A width × height RGBA PNG, opaque except for `transparentRows` rows at the bottom (alpha 254 there). */
async function pngWithBottomRows(
  width: number,
  height: number,
  transparentRows: number,
  depth: 8 | 16 = 8,
): Promise<string> {
  const pixels = Buffer.alloc(width * height * 4, 255);
  for (let y = height - transparentRows; y < height; y++) {
    for (let x = 0; x < width; x++) pixels[(y * width + x) * 4 + 3] = 254;
  }
  let image = sharp(pixels, { raw: { width, height, channels: 4 } });
  if (depth === 16) image = image.toColourspace('rgb16');
  return write(await image.png().toBuffer());
}

const source = (
  file: string,
  width: number,
  height: number,
  more: { frames?: number; budget?: number; format?: string } = {},
) => ({
  path: file,
  format: more.format ?? 'png',
  width,
  frameHeight: height,
  frames: more.frames ?? 1,
  maxPixels: 1e9,
  ...(more.budget === undefined ? {} : { budget: more.budget }),
});

describe('alphaIsOpaque', () => {
  it('is true when every alpha value is 255', async () => {
    expect(await alphaIsOpaque(source(await pngWithBottomRows(300, 200, 0), 300, 200))).toBe(true);
  });

  it('finds a single almost-opaque row below the first strip', async () => {
    // 2000 x 2000: the first strip is the top 524 rows; the last row is alpha 254.
    expect(await alphaIsOpaque(source(await pngWithBottomRows(2000, 2000, 1), 2000, 2000))).toBe(false);
  });

  it('answers "not opaque" for an opaque image above the budget, and reads it whole at the budget', async () => {
    const file = await pngWithBottomRows(2000, 2000, 0);
    expect(await alphaIsOpaque(source(file, 2000, 2000, { budget: 3_999_999 }))).toBe(false);
    expect(await alphaIsOpaque(source(file, 2000, 2000, { budget: 4_000_000 }))).toBe(true);
  });

  it('reads no further than the first strip above the budget', async () => {
    // 1024 x 2048, stored uncompressed so bytes follow rows: the first strip
    // is the top 1024 rows, the file is cut after about row 1536. A read past
    // the cut fails, so answering at all shows where reading stopped.
    const width = 1024;
    const height = 2048;
    const whole = await sharp(Buffer.alloc(width * height * 4, 255), { raw: { width, height, channels: 4 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const cut = write(whole.subarray(0, Math.floor((whole.length * 3) / 4)));
    expect(await alphaIsOpaque(source(cut, width, height, { budget: width * height - 1 }))).toBe(false);
    // The cut is real: at the budget the whole read meets it.
    await expect(alphaIsOpaque(source(cut, width, height, { budget: width * height }))).rejects.toThrow();
  });

  it('reads 16-bit alpha', async () => {
    expect(await alphaIsOpaque(source(await pngWithBottomRows(64, 64, 0, 16), 64, 64))).toBe(true);
    const transparent = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect(await alphaIsOpaque(source(write(transparent), 64, 64))).toBe(false);
  });

  it('checks every frame of an animation, not only the first', async () => {
    // Frame 1 draws one red pixel on a transparent canvas: transparent from the start.
    expect(await alphaIsOpaque(source(write(animatedGif(3, 8, 8)), 8, 8, { frames: 3 }))).toBe(false);
  });

  it('decodes a format that is decoded whole (WebP, AVIF) only under its budget', async () => {
    // Opaque except one pixel, so the encoder keeps the alpha channel.
    const pixels = Buffer.alloc(100 * 80 * 4, 255);
    pixels[pixels.length - 1] = 0;
    const webp = write(
      await sharp(pixels, { raw: { width: 100, height: 80, channels: 4 } })
        .webp({ lossless: true })
        .toBuffer(),
    );
    expect(await alphaIsOpaque(source(webp, 100, 80, { format: 'webp' }))).toBe(false);
    pixels[pixels.length - 1] = 255;
    pixels[3] = 254;
    const almost = write(
      await sharp(pixels, { raw: { width: 100, height: 80, channels: 4 } })
        .webp({ lossless: true })
        .toBuffer(),
    );
    expect(await alphaIsOpaque(source(almost, 100, 80, { format: 'webp' }))).toBe(false);
    // AVIF keeps an alpha channel that is 255 everywhere (WebP drops it).
    const avif = write(
      await sharp(Buffer.alloc(100 * 80 * 4, 255), { raw: { width: 100, height: 80, channels: 4 } })
        .avif()
        .toBuffer(),
    );
    expect((await sharp(avif).metadata()).hasAlpha).toBe(true);
    expect(await alphaIsOpaque(source(avif, 100, 80, { format: 'avif' }))).toBe(true);
    expect(await alphaIsOpaque(source(avif, 100, 80, { format: 'avif', budget: 7999 }))).toBe(false);
  });

  it('throws when the pixel data cannot be decoded', async () => {
    const good = await sharp({
      create: { width: 400, height: 400, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 1 } },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    // Keep the header and the first part of the image data only.
    await expect(alphaIsOpaque(source(write(good.subarray(0, 4000)), 400, 400))).rejects.toThrow();
  });
});
