// Encoding the working image into the output format (spec §6).

import type { Sharp } from 'sharp';
import { OrigoError } from '../../errors.ts';
import type { OutputFormat, OutputSettings } from '../normalized.ts';
import { rgba } from './colour.ts';

/** The media type of each output format (also what a cached render is answered with). */
export const CONTENT_TYPES: Record<OutputFormat, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
};

/** Frame timing of an animated output, as the source had it. */
export interface Animation {
  delay: number[] | undefined;
  loop: number | undefined;
}

function animationOptions(animation: Animation | undefined): { delay?: number[]; loop?: number } {
  if (animation === undefined) return {};
  return {
    ...(animation.delay === undefined ? {} : { delay: animation.delay }),
    ...(animation.loop === undefined ? {} : { loop: animation.loop }),
  };
}

/** transparency.color: transparency replaced by that colour, whatever the format. */
function flattened(pipeline: Sharp, output: OutputSettings): Sharp {
  if (output.flattenColor === undefined || output.format === 'jpg') return pipeline;
  const { r, g, b } = rgba(output.flattenColor);
  return pipeline.flatten({ background: { r, g, b } });
}

function encoder(unflattened: Sharp, output: OutputSettings, animation: Animation | undefined): Sharp {
  const pipeline = flattened(unflattened, output);
  switch (output.format) {
    case 'jpg': {
      const { r, g, b } = rgba(output.transparencyColor);
      return pipeline.flatten({ background: { r, g, b } }).jpeg({ quality: output.quality });
    }
    case 'png':
      return pipeline.png({ compressionLevel: output.compressionLevel });
    case 'gif':
      // sharp's GIF writer has no quality; gif.quality is not applied.
      return pipeline.gif(animationOptions(animation));
    case 'webp':
      return pipeline.webp({ quality: output.quality, lossless: output.lossless, ...animationOptions(animation) });
    case 'avif':
      return pipeline.avif({ quality: output.quality });
    case 'heic':
      return pipeline.heif({ quality: output.quality, compression: 'hevc' });
  }
}

export interface Encoded {
  bytes: Buffer;
  contentType: string;
}

export async function encode(pipeline: Sharp, output: OutputSettings, animation?: Animation): Promise<Encoded> {
  try {
    const bytes = await encoder(pipeline, output, animation).toBuffer();
    return { bytes, contentType: CONTENT_TYPES[output.format] };
  } catch (err) {
    if (output.format === 'heic' && err instanceof Error && /unsupported compression/i.test(err.message)) {
      // Prebuilt libvips has no HEVC encoder (patents); spec §6: heic only where the build supports it.
      throw new OrigoError(
        'ORIGO_ERR_RENDER_UNKNOWN_FORMAT',
        'Format "heic" cannot be written by this server (its libvips has no HEVC encoder); use avif, webp, jpg or png',
        { cause: err },
      );
    }
    throw err;
  }
}
