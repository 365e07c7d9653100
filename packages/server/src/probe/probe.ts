// Probing an uploaded file: what image is it, how large, is it whole, is it
// opaque, and which static metadata (EXIF, IPTC, XMP, ICC) does it carry.
//
// Everything is decided from the content, never from the file name or the
// content type the client sent. The probe reads headers first and refuses
// images with too many pixels or frames before any pixel is decoded; it only
// decodes when it must (to tell whether an image with an alpha channel
// actually uses it), and then only the alpha channel, within a budget (see
// opacity.ts). SVG (and PDF) are never rendered here: an SVG's declared size
// is read from its text (images/svg-size.ts). Callers run it in the decode
// queue.

import { open } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { OrigoError } from '../errors.ts';
import { staticMetadata } from '../images/static-metadata.ts';
import { readMetadata } from './header.ts';
import { ANIMATION_FORMATS, type Kind, kindOf, NEVER_DECODE } from './kinds.ts';
import { alphaIsOpaque } from './opacity.ts';
import './sharp-settings.ts';
import { checkStructure } from './structure.ts';
import { checkSvgDeclaredSize } from './svg-check.ts';
import { unreadable } from './unreadable.ts';
import { a, formatCount, inParens, sharpReason } from './wording.ts';

export interface ProbeLimits {
  maxPixels: number;
  /** Most frames or pages, counted from the header (ORIGO_MAX_FRAMES). */
  maxFrames: number;
  /**
   * Files larger than this are probed from their header bytes only (JPEG,
   * PNG): libvips maps a whole file to read its header, which would put a
   * large upload in the server's memory. Default 8 MiB.
   */
  headerOnlyAbove?: number;
}

const HEADER_ONLY_ABOVE = 8 * 1024 * 1024;

export interface ProbeResult {
  /** rokka style: 'jpg' (never 'jpeg'), 'png', 'gif', 'webp', 'svg', 'tiff', 'heic', 'avif', 'jxl', 'pdf', 'jp2'. */
  format: string;
  mimetype: string;
  width: number;
  height: number;
  /** True when the image has no (semi-)transparent pixel. */
  opaque: boolean;
  /** More than one frame or page. */
  animated: boolean;
  /** Keys 'exif', 'iptc', 'xmp', 'icc' when present; {} when nothing. All JSON-safe. */
  staticMetadata: Record<string, unknown>;
}

export async function probeImage(path: string, label: string, limits: ProbeLimits): Promise<ProbeResult> {
  const file = JSON.stringify(label);
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    if (fileSize === 0) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_EMPTY_FILE',
        `File ${file} is empty (0 bytes): there is no image to store`,
      );
    }

    // Header only: no pixel is decoded here, whatever size the header claims.
    let meta: Metadata;
    try {
      meta = await readMetadata(fh, fileSize, path, limits.headerOnlyAbove ?? HEADER_ONLY_ABOVE);
    } catch (err) {
      throw await unreadable(fh, fileSize, path, file, err);
    }

    const kind = kindOf(meta, file);
    const width = meta.width;
    const height = meta.pageHeight ?? meta.height;
    if (!(width > 0 && height > 0)) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
        `File ${file} is ${a(kind.name)} image whose header gives no usable size (${width} x ${height} pixels)`,
      );
    }
    if (width * height > limits.maxPixels) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
        `File ${file} is ${width} x ${height} pixels (${formatCount(width * height)} pixels); ` +
          `the limit is ${formatCount(limits.maxPixels)} pixels per image, so scale it down before uploading`,
      );
    }

    if (kind.format === 'svg') await checkSvgDeclaredSize(fh, fileSize, file, limits.maxPixels, width, height);

    const pages = meta.pages ?? 1;
    if (pages > limits.maxFrames) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_TOO_MANY_FRAMES',
        `File ${file} is ${a(kind.name)} image of ${formatCount(pages)} frames or pages; the limit is ` +
          `${formatCount(limits.maxFrames)} per image (ORIGO_MAX_FRAMES), so shorten it before uploading`,
      );
    }

    await checkStructure(fh, fileSize, kind, file);

    const opaque = await isOpaque(path, meta, kind, width, height, limits, file);

    return {
      format: kind.format,
      mimetype: kind.mimetype,
      width,
      height,
      opaque,
      animated: pages > 1,
      staticMetadata: staticMetadata(meta),
    };
  } finally {
    await fh.close();
  }
}

async function isOpaque(
  path: string,
  meta: Metadata,
  kind: Kind,
  width: number,
  height: number,
  limits: ProbeLimits,
  file: string,
): Promise<boolean> {
  if (!meta.hasAlpha) return true;
  if (NEVER_DECODE.has(kind.format)) return false;

  const frames = (meta.pages ?? 1) > 1 && ANIMATION_FORMATS.has(kind.format) ? meta.pages! : 1;
  try {
    return await alphaIsOpaque({
      path,
      format: kind.format,
      width,
      frameHeight: height,
      frames,
      maxPixels: limits.maxPixels,
    });
  } catch (err) {
    const reason = sharpReason(err, path, file);
    if (/unsupported (codec|feature)|no (decoder|plugin)/i.test(reason)) {
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
        `File ${file} is ${a(kind.name)} image this server cannot decode${inParens(reason)}; convert it to JPEG, PNG or AVIF`,
        { cause: err },
      );
    }
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      `File ${file} is ${a(kind.name)} image whose pixel data cannot be decoded${inParens(reason)}; the file is damaged, export it again`,
      { cause: err },
    );
  }
}
