// composition: the image and a secondary layer (a colour, or another image
// of the organization) drawn on one canvas. origo's reading of rokka:
//   - a colour layer is width×height (each defaulting to the image's side);
//     a secondary image keeps its own size unless width/height are given, and
//     is then resized into them by `resize_mode` (rokka's box|fill|absolute);
//     `resize_to_primary` makes either exactly the image's size;
//   - the canvas is as large as the larger of the two layers on each axis, and
//     each layer sits on it at `anchor`;
//   - mode background puts the secondary behind the image, foreground in front;
//   - secondary_opacity (percent) applies to the colour or the image.

import sharp, { type Sharp } from 'sharp';
import type { AnchorPosition, CompositionOperation } from '../normalized.ts';
import { rgba } from './colour.ts';
import { shifted } from './geometry.ts';
import { resizedSize } from './resize-size.ts';
import type { Working } from './working.ts';

/** Opens another image of the organization, decoded under the render's limits. */
export type OpenSecondary = (hash: string) => Promise<Sharp>;

interface Layer {
  data: Buffer;
  width: number;
  height: number;
}

function offset(canvas: number, size: number, at: AnchorPosition['x'] | AnchorPosition['y']): number {
  if (typeof at === 'number') return Math.min(canvas - size, Math.max(0, Math.round(at)));
  if (at === 'left' || at === 'top') return 0;
  if (at === 'right' || at === 'bottom') return canvas - size;
  return Math.round((canvas - size) / 2);
}

async function rgbaOf(pipeline: Sharp): Promise<Layer> {
  const { data, info } = await pipeline.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function withOpacity(layer: Layer, percent: number): Layer {
  if (percent >= 100) return layer;
  for (let i = 3; i < layer.data.length; i += 4) layer.data[i] = Math.round((layer.data[i]! * percent) / 100);
  return layer;
}

async function secondaryLayer(op: CompositionOperation, primary: Layer, openSecondary: OpenSecondary): Promise<Layer> {
  if (op.secondary_image === undefined) {
    const width = op.resize_to_primary ? primary.width : (op.width ?? primary.width);
    const height = op.resize_to_primary ? primary.height : (op.height ?? primary.height);
    const c = rgba(op.secondary_color, op.secondary_opacity);
    const data = Buffer.alloc(width * height * 4);
    for (let i = 0; i < data.length; i += 4) {
      data[i] = c.r;
      data[i + 1] = c.g;
      data[i + 2] = c.b;
      data[i + 3] = Math.round(c.alpha * 255);
    }
    return { data, width, height };
  }
  const image = await rgbaOf(await openSecondary(op.secondary_image));
  const width = op.resize_to_primary ? primary.width : op.width;
  const height = op.resize_to_primary ? primary.height : op.height;
  if (width === undefined && height === undefined) return withOpacity(image, op.secondary_opacity);
  const fit = {
    name: 'resize' as const,
    width,
    height,
    mode: op.resize_to_primary ? ('absolute' as const) : op.resize_mode,
    upscale: true,
    upscale_dpr: true,
    sharpen: false,
  };
  const size = resizedSize(image.width, image.height, fit, 1);
  const resized = await rgbaOf(
    sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).resize(
      size.width,
      size.height,
      {
        fit: 'fill',
      },
    ),
  );
  return withOpacity(resized, op.secondary_opacity);
}

export async function composition(
  current: Working,
  op: CompositionOperation,
  openSecondary: OpenSecondary,
): Promise<Working> {
  const primary = await rgbaOf(current.pipeline);
  const secondary = await secondaryLayer(op, primary, openSecondary);
  const canvas = {
    width: Math.max(primary.width, secondary.width),
    height: Math.max(primary.height, secondary.height),
  };
  const place = (layer: Layer) => ({
    input: layer.data,
    raw: { width: layer.width, height: layer.height, channels: 4 as const },
    left: offset(canvas.width, layer.width, op.anchor.x),
    top: offset(canvas.height, layer.height, op.anchor.y),
  });
  const layers = op.mode === 'background' ? [place(secondary), place(primary)] : [place(primary), place(secondary)];
  const at = place(primary);
  const pipeline = sharp({ create: { ...canvas, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).composite(
    layers,
  );
  return {
    ...current,
    pipeline,
    ...canvas,
    queued: ['closed'],
    toCurrent: current.toCurrent && shifted(current.toCurrent, at.left, at.top),
  };
}
