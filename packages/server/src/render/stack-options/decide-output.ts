// How a render is encoded (spec §6): the format from the extension, or under
// autoformat from Accept; qualities and their defaults; dpr; and the stack
// options that shape the answer rather than the pixels.
//
// Decisions (origo's where rokka is silent):
// - The dpr > 1.5 quality drop (−10) applies to the JPEG and WebP defaults
//   only: a quality set in the stack or URL is what its author asked for.
// - autoformat prefers AVIF over WebP for JPEG; PNG goes to WebP only (and
//   lossless unless webp.quality is set), since lossless AVIF is usually
//   larger than lossless WebP. Other formats are answered as asked. Vary is
//   set whenever autoformat is on, even if this answer kept the format,
//   because another Accept would have changed it.
// - PNG ignores `quality` (it is lossless); it is reported as 100.

import { OrigoError } from '../../errors.ts';
import type { ImageFacts, Options } from '../model.ts';
import type { OutputFormat, OutputSettings } from '../normalized.ts';
import { acceptsType } from './accept.ts';
import { readStackOptions, type StackOptionValues } from './read.ts';

export interface OutputDecisionInput {
  /** The extension of the render URL, lower-case (jpg, jpeg, png, gif, webp, avif, heic, heif). */
  extension: string;
  /** The resolved stack options (literals only). */
  options: Options;
  /** The request's Accept header. */
  accept: string | undefined;
  image: ImageFacts;
  /** Whether the normalized operations contain a resize (dpr needs one). */
  hasResize: boolean;
  /** Whether the sharp build can write HEIF (this module does no I/O, so the caller asks sharp). */
  canWriteHeif: boolean;
}

export interface OutputDecision {
  output: OutputSettings;
  /** Send `Vary: Accept`: the format depends on it (autoformat on). */
  vary: boolean;
  /** stack option source_file: with no operations, answer the original bytes. */
  sourceFile: boolean;
  contentDisposition: 'inline' | 'attachment';
  /** stack option protected: renders need a signed URL (spec §7). */
  protected: boolean;
}

const FORMATS: Record<string, OutputFormat> = {
  jpg: 'jpg',
  jpeg: 'jpg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  avif: 'avif',
  heic: 'heic',
  heif: 'heic',
};

/** Above this dpr, the jpg and webp default qualities are lowered (rokka: "dpr > 1.5"). */
const HIGH_DPR = 1.5;
const HIGH_DPR_QUALITY_DROP = 10;

function formatOf(extension: string, canWriteHeif: boolean): OutputFormat {
  const format = Object.hasOwn(FORMATS, extension) ? FORMATS[extension] : undefined;
  if (format === undefined || (format === 'heic' && !canWriteHeif)) {
    const known = Object.keys(FORMATS).filter((ext) => canWriteHeif || FORMATS[ext] !== 'heic');
    throw new OrigoError(
      'ORIGO_ERR_RENDER_UNKNOWN_FORMAT',
      `cannot render the format "${extension}"; formats: ${known.join(', ')}`,
    );
  }
  return format;
}

function autoformatted(format: OutputFormat, accept: string | undefined): OutputFormat {
  if (format === 'jpg') {
    if (acceptsType(accept, 'image/avif')) return 'avif';
    if (acceptsType(accept, 'image/webp')) return 'webp';
  }
  if (format === 'png' && acceptsType(accept, 'image/webp')) return 'webp';
  return format;
}

type Given = ReadonlySet<keyof StackOptionValues>;

function lossyQuality(key: 'jpg.quality' | 'webp.quality', values: StackOptionValues, given: Given): number {
  const set = values[key];
  if (given.has(key) || values.dpr <= HIGH_DPR) return set;
  return set - HIGH_DPR_QUALITY_DROP;
}

function encoding(
  format: OutputFormat,
  requested: OutputFormat,
  values: StackOptionValues,
  given: Given,
): { quality: number; lossless: boolean } {
  switch (format) {
    case 'jpg':
      return { quality: lossyQuality('jpg.quality', values, given), lossless: false };
    case 'webp': {
      // A PNG answered as WebP stays lossless unless the author chose a WebP quality.
      if (requested === 'png' && !given.has('webp.quality')) return { quality: 100, lossless: true };
      const quality = lossyQuality('webp.quality', values, given);
      return { quality, lossless: quality === 100 };
    }
    case 'avif':
      return { quality: values['avif.quality'], lossless: false };
    case 'heic':
      return { quality: values['heif.quality'], lossless: false };
    case 'gif':
      return { quality: values['gif.quality'], lossless: false };
    case 'png':
      return { quality: 100, lossless: false };
  }
}

export function decideOutput(input: OutputDecisionInput): OutputDecision {
  const { values, given } = readStackOptions(input.options);
  const requested = formatOf(input.extension, input.canWriteHeif);
  if (values.dpr !== 1 && !input.hasResize) {
    throw new OrigoError(
      'ORIGO_ERR_RENDER_BAD_OPTION',
      `stack option "dpr" is ${values.dpr}, but dpr only multiplies the size of a resize operation and there is none`,
    );
  }
  const format = values.autoformat ? autoformatted(requested, input.accept) : requested;
  const { quality, lossless } = encoding(format, requested, values, given);
  const flattenColor = values['transparency.color'];
  return {
    output: {
      format,
      quality,
      lossless,
      compressionLevel: values['png.compression_level'],
      transparencyColor: flattenColor ?? values['jpg.transparency.color'],
      flattenColor,
      dpr: values.dpr,
    },
    vary: values.autoformat,
    sourceFile: values.source_file,
    contentDisposition: values.content_disposition,
    protected: values.protected,
  };
}
