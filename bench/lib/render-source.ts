// The source image of the render benchmark: a photo-sized JPEG that
// compresses like a photograph. Random noise compresses like nothing real
// (and makes the encoder the whole cost); a flat colour like nothing at
// all. So: smooth blobs (coarse noise scaled up), broad gradients across
// the frame, and a little per-pixel grain, encoded at quality 90. The
// generator is seeded, so every run renders the very same bytes.

import sharp from 'sharp';

export const SOURCE_WIDTH = 2725;
export const SOURCE_HEIGHT = 2225;
export const SOURCE_QUALITY = 90;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function photoLikeJpeg(
  width = SOURCE_WIDTH,
  height = SOURCE_HEIGHT,
  quality = SOURCE_QUALITY,
  seed = 12,
): Promise<Buffer> {
  const random = prng(seed);
  // Detail at several scales, as in a photograph: broad shapes, objects,
  // texture. Each octave is coarse noise scaled up smoothly to the frame.
  const octaves = await Promise.all(
    [160, 32, 6].map((cell) => {
      const w = Math.ceil(width / cell) + 1;
      const h = Math.ceil(height / cell) + 1;
      const coarse = Buffer.alloc(w * h * 3);
      for (let i = 0; i < coarse.length; i++) coarse[i] = Math.floor(random() * 256);
      return sharp(coarse, { raw: { width: w, height: h, channels: 3 } })
        .resize(width, height, { kernel: 'cubic', fit: 'fill' })
        .raw()
        .toBuffer();
    }),
  );
  const [broad, objects, texture] = octaves as [Buffer, Buffer, Buffer];

  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    for (let x = 0; x < width; x++) {
      const fx = x / width;
      const i = (y * width + x) * 3;
      // A sky-to-ground gradient and a left-to-right warm/cold shift.
      const gradient = [70 + 150 * (1 - fy) * fx, 90 + 120 * (1 - fy), 200 - 150 * fy];
      for (let c = 0; c < 3; c++) {
        const k = i + c;
        const grain = (random() - 0.5) * 12;
        const v = 0.45 * gradient[c]! + 0.3 * broad[k]! + 0.17 * objects[k]! + 0.08 * texture[k]! + grain;
        pixels[k] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}
