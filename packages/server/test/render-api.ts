// Helpers for the render tests: images whose content a test can check after
// a render (four coloured quarters), fetching a render URL, and decoding the
// answer to dimensions and pixels with sharp (independent of origo's code).

import sharp from 'sharp';
import { type ApiResult, api, readResult, type TestServer, upload } from './helpers.ts';

export const RED = { r: 255, g: 0, b: 0 };
export const GREEN = { r: 0, g: 255, b: 0 };
export const BLUE = { r: 0, g: 0, b: 255 };
export const YELLOW = { r: 255, g: 255, b: 0 };

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** A PNG of four quarters: red top-left, green top-right, blue bottom-left, yellow bottom-right. */
export async function quartersPng(width = 200, height = 100): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = y < height / 2 ? (x < width / 2 ? RED : GREEN) : x < width / 2 ? BLUE : YELLOW;
      pixels.set([c.r, c.g, c.b], (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A 2-frame animated GIF, 40×30: red, then blue. */
export function twoFrameGif(): Promise<Buffer> {
  const frame = (c: Rgb) => {
    const data = Buffer.alloc(40 * 30 * 4);
    for (let i = 0; i < data.length; i += 4) data.set([c.r, c.g, c.b, 255], i);
    return data;
  };
  return sharp(Buffer.concat([frame(RED), frame(BLUE)]), {
    raw: { width: 40, height: 60, channels: 4, pageHeight: 30 },
  })
    .gif({ delay: [100, 100], loop: 0 })
    .toBuffer();
}

/** Uploads `bytes` to `org` and gives the image's hash. */
export async function uploaded(server: TestServer, org: string, bytes: Buffer, name = 'picture.png'): Promise<string> {
  const res = await upload(server, org, [{ name, bytes }]);
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${res.text}`);
  return res.json.items[0].hash;
}

export interface RenderResult {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The rokka error JSON, when the answer is one. */
  // biome-ignore lint/suspicious/noExplicitAny: error bodies are inspected field by field.
  json: any;
}

/** GETs a render path (under /render/{org}), without an API key unless headers give one. */
export async function render(
  server: TestServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<RenderResult> {
  const res = await fetch(`${server.url}${path}`, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  if (res.headers.get('content-type') === 'application/json') json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, bytes, json };
}

/** A render answer as an ApiResult, for expectError. */
export function asApiResult(result: RenderResult): ApiResult {
  return { status: result.status, headers: result.headers, text: result.bytes.toString('utf8'), json: result.json };
}

export interface Decoded {
  format: string | undefined;
  width: number;
  height: number;
  pages: number;
  channels: number;
  /** RGB of the pixel at (x, y) of the first page. */
  at(x: number, y: number): Rgb;
}

export async function decode(bytes: Buffer): Promise<Decoded> {
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    format: meta.format,
    width: meta.width,
    height: meta.pageHeight ?? meta.height,
    pages: meta.pages ?? 1,
    channels: meta.channels,
    at(x, y) {
      const i = (y * info.width + x) * info.channels;
      return { r: data[i]!, g: data[i + 1]!, b: data[i + 2]! };
    },
  };
}

/** Colours within `tolerance` per channel (lossy formats move them a little). */
export function near(actual: Rgb, expected: Rgb, tolerance = 40): boolean {
  return (
    Math.abs(actual.r - expected.r) <= tolerance &&
    Math.abs(actual.g - expected.g) <= tolerance &&
    Math.abs(actual.b - expected.b) <= tolerance
  );
}

/** PUTs a stack (root key). */
export function putStack(server: TestServer, org: string, name: string, body: unknown, query = ''): Promise<ApiResult> {
  return api(server, 'PUT', `/stacks/${org}/${name}${query}`, { body: JSON.stringify(body) });
}

export { readResult };
