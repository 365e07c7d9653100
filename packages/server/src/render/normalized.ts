// Normalized operations and output settings: typed, every default filled
// in, ranges checked, and disabled operations (`enabled: false`) dropped.
// render/operations/ and render/stack-options.ts make them from a
// ResolvedRender (render/model.ts); the pipeline (render/pipeline/) trusts them.

import type { ImageFacts } from './model.ts';

/** Where a box sits in the image: a named edge/centre or a pixel offset, per axis. */
export interface AnchorPosition {
  x: 'left' | 'center' | 'right' | number;
  y: 'top' | 'center' | 'bottom' | number;
}

export type Anchor =
  | { kind: 'auto' }
  | { kind: 'subjectarea' }
  | { kind: 'croparea' }
  | { kind: 'smart' }
  | ({ kind: 'position' } & AnchorPosition);

export interface ResizeOperation {
  name: 'resize';
  width: number | undefined;
  height: number | undefined;
  mode: 'box' | 'absolute' | 'fill';
  upscale: boolean;
  upscale_dpr: boolean;
  sharpen: boolean;
}

export interface CropOperation {
  name: 'crop';
  width: number;
  height: number;
  anchor: Anchor;
  fallback: AnchorPosition;
  mode: 'absolute' | 'ratio' | 'box' | 'area';
  /** Percent, 0–100. */
  scale: number;
  movearea_x: number;
  movearea_y: number;
  area: string | undefined;
}

export interface RotateOperation {
  name: 'rotate';
  angle: number;
  /** Six hex digits, upper-case. */
  background_color: string;
  background_opacity: number;
}

export interface AutorotateOperation {
  name: 'autorotate';
  width: number | undefined;
  height: number | undefined;
  rotation_direction: 'clockwise' | 'counterclockwise';
}

export interface BlurOperation {
  name: 'blur';
  sigma: number;
}

export interface TrimOperation {
  name: 'trim';
  fuzzy: number;
}

export interface ModulateOperation {
  name: 'modulate';
  brightness: number;
  saturation: number;
  hue: number;
}

export interface AlphaOperation {
  name: 'alpha';
  mode: 'mask' | 'extract' | 'remove' | 'apply';
  opacity: number;
}

export interface DropshadowOperation {
  name: 'dropshadow';
  horizontal: number;
  vertical: number;
  opacity: number;
  sigma: number;
  color: string;
}

export interface CompositionOperation {
  name: 'composition';
  mode: 'foreground' | 'background';
  width: number | undefined;
  height: number | undefined;
  resize_mode: 'box' | 'absolute' | 'fill';
  anchor: AnchorPosition;
  secondary_color: string;
  secondary_opacity: number;
  /** Hash of another image of the organization, drawn instead of the colour. */
  secondary_image: string | undefined;
  resize_to_primary: boolean;
}

export interface SimpleOperation {
  name: 'grayscale' | 'sepia' | 'noop';
}

export type NormalizedOperation =
  | ResizeOperation
  | CropOperation
  | RotateOperation
  | AutorotateOperation
  | BlurOperation
  | TrimOperation
  | ModulateOperation
  | AlphaOperation
  | DropshadowOperation
  | CompositionOperation
  | SimpleOperation;

export type OutputFormat = 'jpg' | 'png' | 'gif' | 'webp' | 'avif' | 'heic';

/** How to encode, decided from the extension, the stack options and (autoformat) Accept. */
export interface OutputSettings {
  format: OutputFormat;
  /** 1–100 for lossy formats (already lowered for dpr > 1.5 where the spec says so). */
  quality: number;
  /** WebP lossless (webp.quality 100, or png autoformatted to WebP). */
  lossless: boolean;
  /** PNG zlib level 0–9. */
  compressionLevel: number;
  /** Six hex digits: what transparency is flattened onto for JPEG. */
  transparencyColor: string;
  /** Six hex digits (stack option transparency.color): flatten transparency onto it in every format; undefined = keep it. */
  flattenColor: string | undefined;
  /** 1–10: multiplies resize sizes (see the dpr upscale table in spec §6). */
  dpr: number;
}

/** What the service hands the pipeline. */
export interface RenderInput {
  /** The stored source bytes. */
  source: Buffer;
  image: ImageFacts;
  operations: NormalizedOperation[];
  output: OutputSettings;
  limits: {
    /** Most pixels a decoded input (one frame) may have. */
    inputPixels: number;
    /** Most pixels of the output (and 10000 per side at most). */
    outputPixels: number;
    /** Most frames an animated input may have. */
    frames: number;
  };
  /** Bytes of another image of the same organization (composition's secondary_image); rejects with a 404 OrigoError. */
  loadImage: (hash: string) => Promise<{ source: Buffer; image: ImageFacts }>;
}

export interface RenderOutput {
  bytes: Buffer;
  /** The real media type of `bytes`. */
  contentType: string;
  width: number;
  height: number;
}

/** A render's bytes as the cache and the render flights hand them on (the size is the pipeline's business). */
export type RenderedBytes = Pick<RenderOutput, 'bytes' | 'contentType'>;
