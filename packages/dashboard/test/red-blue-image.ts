// The picture the subject-area tests crop: its left half pure red, its right
// half pure blue, so a crop's colour says which half the area was on.

import sharp from 'sharp';

export const RED_BLUE_WIDTH = 1200;
export const RED_BLUE_HEIGHT = 600;

/** The red and blue PNG; `seed` in one pixel of the last row makes its bytes unique. */
export function redBluePng(seed = 0): Promise<Buffer> {
  const pixels = Buffer.alloc(RED_BLUE_WIDTH * RED_BLUE_HEIGHT * 3);
  for (let y = 0; y < RED_BLUE_HEIGHT; y++) {
    for (let x = 0; x < RED_BLUE_WIDTH; x++) {
      const at = (y * RED_BLUE_WIDTH + x) * 3;
      if (x < RED_BLUE_WIDTH / 2) pixels[at] = 255;
      else pixels[at + 2] = 255;
    }
  }
  pixels[pixels.length - 2] = seed;
  return sharp(pixels, { raw: { width: RED_BLUE_WIDTH, height: RED_BLUE_HEIGHT, channels: 3 } })
    .png()
    .toBuffer();
}
