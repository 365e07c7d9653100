// Test support for the pipeline's tests: synthetic images made with sharp,
// render inputs with the spec's defaults, and decoding what came out.

import sharp from 'sharp';
import type { Area, ImageFacts } from '../model.ts';
import type {
  CropOperation,
  NormalizedOperation,
  OutputSettings,
  RenderInput,
  ResizeOperation,
} from '../normalized.ts';

export type Rgb = [number, number, number];
export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];
export const YELLOW: Rgb = [255, 255, 0];

/** A PNG in four quarters: red top-left, green top-right, blue bottom-left, yellow bottom-right. */
export async function quarters(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = y < height / 2 ? (x < width / 2 ? RED : GREEN) : x < width / 2 ? BLUE : YELLOW;
      data.set(c, (y * width + x) * 3);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A PNG of one colour, optionally with an alpha channel of `alpha` (0–255). */
export function solid(width: number, height: number, rgb: Rgb, alpha?: number): Promise<Buffer> {
  const background = { r: rgb[0], g: rgb[1], b: rgb[2], alpha: (alpha ?? 255) / 255 };
  return sharp({ create: { width, height, channels: alpha === undefined ? 3 : 4, background } })
    .png()
    .toBuffer();
}

export function facts(width: number, height: number, more: Partial<ImageFacts> = {}): ImageFacts {
  return {
    hash: 'c1b110c1b110c1b110c1b110c1b110c1b110c1b1',
    width,
    height,
    format: 'png',
    animated: false,
    subjectArea: undefined,
    cropArea: undefined,
    multiAreas: {},
    userMetadata: {},
    ...more,
  };
}

export const PNG_OUTPUT: OutputSettings = {
  format: 'png',
  quality: 80,
  lossless: false,
  compressionLevel: 7,
  transparencyColor: 'FFFFFF',
  flattenColor: undefined,
  dpr: 1,
};

export function renderInput(
  source: Buffer,
  image: ImageFacts,
  operations: NormalizedOperation[],
  output: Partial<OutputSettings> = {},
  more: Partial<RenderInput> = {},
): RenderInput {
  return {
    source,
    image,
    operations,
    output: { ...PNG_OUTPUT, ...output },
    limits: { inputPixels: 100_000_000, outputPixels: 100_000_000, frames: 100 },
    loadImage: async (hash) => {
      throw new Error(`no image ${hash} in this test`);
    },
    ...more,
  };
}

export function resizeOp(more: Partial<ResizeOperation>): ResizeOperation {
  return {
    name: 'resize',
    width: undefined,
    height: undefined,
    mode: 'box',
    upscale: true,
    upscale_dpr: true,
    sharpen: false,
    ...more,
  };
}

export function cropOp(more: Partial<CropOperation> & { width: number; height: number }): CropOperation {
  return {
    name: 'crop',
    anchor: { kind: 'auto' },
    fallback: { x: 'center', y: 'center' },
    mode: 'absolute',
    scale: 100,
    movearea_x: 0,
    movearea_y: 0,
    area: undefined,
    ...more,
  };
}

export function area(x: number, y: number, width: number, height: number): Area {
  return { x, y, width, height };
}

export interface Decoded {
  width: number;
  height: number;
  channels: number;
  /** [r, g, b, a] at a pixel (a = 255 without alpha). */
  at: (x: number, y: number) => [number, number, number, number];
}

/** Decodes a render to sRGB pixels, as a viewer would show it. */
export async function decoded(bytes: Buffer): Promise<Decoded> {
  const { data, info } = await sharp(bytes).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    at: (x, y) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!, info.channels === 4 ? data[i + 3]! : 255];
    },
  };
}

/** Whether two colours are within `tolerance` per channel (encoders and resampling round). */
export function near(actual: readonly number[], expected: readonly number[], tolerance = 8): boolean {
  return expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);
}
