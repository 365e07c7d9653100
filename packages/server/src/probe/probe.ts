// Probing an uploaded file: what image is it, how large, is it whole, is it
// opaque, and which static metadata (EXIF, IPTC, XMP, ICC) does it carry.
//
// Everything is decided from the content, never from the file name or the
// content type the client sent. The probe reads headers first and refuses
// images with too many pixels or frames before any pixel is decoded; it only
// decodes when it must (to tell whether an image with an alpha channel
// actually uses it), and then only the alpha channel, within a budget (see
// opacity.ts). SVG (and PDF) are never rendered here: an SVG's declared size
// is read from its text (svg-size.ts). Callers run it in the decode queue.

import { type FileHandle, open } from 'node:fs/promises';
import sharp, { type FormatEnum, type Metadata } from 'sharp';
import { OrigoError } from '../errors.ts';
import { alphaIsOpaque } from './opacity.ts';
import { staticMetadata } from '../images/static-metadata.ts';
import { SVG_HEAD_BYTES, svgDeclaredSize, svgHeadText } from '../images/svg-size.ts';

// Each upload is processed once: libvips' operation cache would only hold
// memory (and open files) for nothing.
sharp.cache(false);
// Parallelism comes from the decode queue (ORIGO_DECODE_CONCURRENCY images at
// once), so each image gets one libvips thread: cores x cores threads, each
// with its own buffers, would only add memory. (sharp already defaults to 1 on
// glibc without jemalloc, but to the core count elsewhere.)
sharp.concurrency(1);

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
const SHARP_HEADER = { limitInputPixels: false, failOn: 'none' } as const;

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

interface Kind {
  format: string;
  mimetype: string;
  /** How to name the format in messages. */
  name: string;
}

const KINDS: Record<string, Kind> = {
  jpg: { format: 'jpg', mimetype: 'image/jpeg', name: 'JPEG' },
  png: { format: 'png', mimetype: 'image/png', name: 'PNG' },
  gif: { format: 'gif', mimetype: 'image/gif', name: 'GIF' },
  webp: { format: 'webp', mimetype: 'image/webp', name: 'WebP' },
  svg: { format: 'svg', mimetype: 'image/svg+xml', name: 'SVG' },
  tiff: { format: 'tiff', mimetype: 'image/tiff', name: 'TIFF' },
  heic: { format: 'heic', mimetype: 'image/heic', name: 'HEIC' },
  avif: { format: 'avif', mimetype: 'image/avif', name: 'AVIF' },
  jxl: { format: 'jxl', mimetype: 'image/jxl', name: 'JPEG XL' },
  pdf: { format: 'pdf', mimetype: 'application/pdf', name: 'PDF' },
  jp2: { format: 'jp2', mimetype: 'image/jp2', name: 'JPEG 2000' },
};

/** Which sharp input format reads each origo format. */
const SHARP_INPUT: Record<string, keyof FormatEnum> = {
  jpg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  svg: 'svg',
  tiff: 'tiff',
  heic: 'heif',
  avif: 'heif',
  jxl: 'jxl',
  pdf: 'pdf',
  jp2: 'jp2',
};

function canRead(format: string): boolean {
  const input = SHARP_INPUT[format];
  return input !== undefined && sharp.format[input]?.input.file === true;
}

/** The origo formats this sharp build can read, for messages. */
const READABLE = Object.keys(KINDS).filter(canRead);

/** Formats whose pages are frames of one canvas (decoded together for opacity). */
const ANIMATION_FORMATS = new Set(['gif', 'webp']);
/** Formats the probe never renders: costly and able to reference outside resources. */
const NEVER_DECODE = new Set(['svg', 'pdf']);

/** How far from the end of a JPEG its end-of-image marker is looked for first. */
const JPEG_TAIL = 64 * 1024;

export async function probeImage(path: string, label: string, limits: ProbeLimits): Promise<ProbeResult> {
  const file = JSON.stringify(label);
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    if (fileSize === 0) {
      throw new OrigoError('ORIGO_ERR_UPLOAD_EMPTY_FILE', `File ${file} is empty (0 bytes): there is no image to store`);
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

/** "a PNG", "an SVG": format names are read letter by letter. */
function a(name: string): string {
  return /^(SVG|AVIF)/.test(name) ? `an ${name}` : `a ${name}`;
}

function inParens(reason: string): string {
  return reason === '' ? '' : ` (${reason})`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function kindOf(meta: Metadata, file: string): Kind {
  // Typed loosely: the C++ side knows more names than FormatEnum lists.
  const format: string = meta.format;
  let key: string | undefined;
  switch (format) {
    case 'jpeg':
    case 'uhdr':
      key = 'jpg';
      break;
    case 'heif':
      key = meta.compression === 'av1' ? 'avif' : 'heic';
      break;
    case 'jp2':
    case 'jp2k':
      key = 'jp2';
      break;
    case 'png':
    case 'gif':
    case 'webp':
    case 'svg':
    case 'tiff':
    case 'pdf':
    case 'jxl':
      key = format;
      break;
    default:
      key = undefined;
  }
  const kind = key === undefined ? undefined : KINDS[key];
  if (kind === undefined) {
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      `File ${file} is a ${format} file, which is not a supported image format; ` +
        `upload one of: ${READABLE.join(', ')}`,
    );
  }
  return kind;
}

/**
 * librsvg reports a size beyond 2^31 pixels as 1 x 1: check the size the
 * root element declares (see svg-size.ts), whatever the file starts with
 * (sharp also reads gzipped SVG, and text after leading white space).
 * `width` x `height` is what sharp reported.
 */
async function checkSvgDeclaredSize(
  fh: FileHandle,
  size: number,
  file: string,
  maxPixels: number,
  width: number,
  height: number,
): Promise<void> {
  const declared = svgDeclaredSize(await svgHeadText(await readAt(fh, 0, Math.min(size, SVG_HEAD_BYTES))));
  if (declared?.fromDoctype !== undefined) {
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      `File ${file} is an SVG image whose size can be set by ${declared.fromDoctype}, which this server does not ` +
        'expand to check the size; write the width and height into the root <svg> element instead before uploading',
    );
  }
  if (declared?.width !== undefined || declared?.height !== undefined) {
    const declaredWidth = Math.ceil(declared.width ?? 1);
    const declaredHeight = Math.ceil(declared.height ?? 1);
    if (declaredWidth * declaredHeight > maxPixels) {
      const shown =
        declared.width !== undefined && declared.height !== undefined
          ? `${formatCount(declaredWidth)} x ${formatCount(declaredHeight)} pixels (${formatCount(declaredWidth * declaredHeight)} pixels)`
          : declared.width !== undefined
            ? `a width of ${formatCount(declaredWidth)} pixels`
            : `a height of ${formatCount(declaredHeight)} pixels`;
      throw new OrigoError(
        'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
        `File ${file} is an SVG image whose root element declares ${shown} (from its width, height, viewBox and style); ` +
          `the limit is ${formatCount(maxPixels)} pixels per image, so give it a smaller size before uploading`,
      );
    }
  }
  // The backstop: a size librsvg could not hold also comes back as 1 x 1,
  // from places not read here (a <style> element, say). A real 1-pixel
  // dimension is one the root element declares.
  const unconfirmed = (reported: number, text: number | undefined) => reported <= 1 && !(text !== undefined && Math.abs(text - reported) < 1);
  if (unconfirmed(width, declared?.width) || unconfirmed(height, declared?.height)) {
    const says =
      declared === undefined
        ? `no root <svg> element was found in its first ${formatCount(SVG_HEAD_BYTES / 1024)} KiB`
        : `its root element declares ${declared.width === undefined ? 'no width' : `a width of ${formatCount(declared.width)}`} and ` +
          `${declared.height === undefined ? 'no height' : `a height of ${formatCount(declared.height)}`}`;
    throw new OrigoError(
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      `File ${file} is an SVG image that reads as ${width} x ${height} pixels, but ${says}; librsvg gives that size ` +
        'to images too large for it, so the real size is unknown: set width and height in pixels on the root <svg> element before uploading',
    );
  }
}

// ---------------------------------------------------------------------------
// Files sharp cannot read

/** Recognize a format from its first bytes, to tell "broken" from "not an image". */
function sniff(head: Buffer): string | undefined {
  const ascii = (at: number, text: string) => head.toString('latin1', at, at + text.length) === text;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpg';
  if (ascii(0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'II*\0') || ascii(0, 'MM\0*') || ascii(0, 'II+\0') || ascii(0, 'MM\0+')) return 'tiff';
  if (ascii(4, 'ftyp')) {
    const brand = head.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  if (ascii(0, '%PDF-')) return 'pdf';
  if ((head[0] === 0xff && head[1] === 0x0a) || ascii(4, 'JXL \r\n\x87\n')) return 'jxl';
  if (ascii(4, 'jP  \r\n\x87\n') || (head[0] === 0xff && head[1] === 0x4f && head[2] === 0xff && head[3] === 0x51)) {
    return 'jp2';
  }
  const text = head.toString('utf8');
  if (/^\s*</.test(text) && text.includes('<svg')) return 'svg';
  return undefined;
}

function sharpReason(err: unknown, path: string, file: string): string {
  const message = err instanceof Error ? err.message : String(err);
  // Never leak the server-side temp path; vips messages can be multi-line.
  const firstLines = message
    .split(path)
    .join(file)
    .split('\n')
    .map((line) => line.trim().replace(/:$/, ''))
    .filter(Boolean)
    .slice(0, 2)
    .join('; ');
  return firstLines.length > 200 ? `${firstLines.slice(0, 200)}...` : firstLines;
}

async function unreadable(fh: FileHandle, size: number, path: string, file: string, err: unknown): Promise<OrigoError> {
  const head = await readAt(fh, 0, Math.min(size, 1024));
  const sniffed = sniff(head);
  const reason = sharpReason(err, path, file);
  const supported = `upload one of: ${READABLE.join(', ')}`;
  if (sniffed !== undefined && !canRead(sniffed)) {
    return new OrigoError(
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      `File ${file} is ${a(KINDS[sniffed]!.name)} file, which this server cannot read; ${supported}`,
      { cause: err },
    );
  }
  if (sniffed !== undefined) {
    return new OrigoError(
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      `File ${file} looks like ${a(KINDS[sniffed]!.name)} image but its header cannot be read${inParens(reason)}; ` +
        `the file is damaged, export it again`,
      { cause: err },
    );
  }
  if (!/unsupported image format/i.test(reason)) {
    return new OrigoError('ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', `File ${file} cannot be read as an image${inParens(reason)}`, {
      cause: err,
    });
  }
  return new OrigoError(
    'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
    `File ${file} is not an image in a supported format (its content was checked, not its name); ${supported}`,
    { cause: err },
  );
}

// ---------------------------------------------------------------------------
// Structural integrity, without decoding

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Header metadata, from the header bytes alone when the file is large and the format allows it. */
async function readMetadata(fh: FileHandle, size: number, path: string, headerOnlyAbove: number): Promise<Metadata> {
  if (size > headerOnlyAbove) {
    const format = sniff(await readAt(fh, 0, 8));
    let header: Buffer | undefined;
    if (format === 'jpg') header = await jpegHeaderOnly(fh, size);
    // A PNG's header chunks come first; a truncated copy reads fine.
    else if (format === 'png') header = await readAt(fh, 0, 1024 * 1024);
    if (header) {
      try {
        const meta = await sharp(header, SHARP_HEADER).metadata();
        if (meta.width > 0 && meta.height > 0) return meta;
      } catch {
        // The whole file decides, below.
      }
    }
  }
  return sharp(path, SHARP_HEADER).metadata();
}

/** Application segments a header read needs: JFIF, EXIF/XMP, ICC, IPTC, Adobe colour. */
const KEPT_JPEG_APP = new Set([0xe0, 0xe1, 0xe2, 0xed, 0xee]);

/**
 * The segments of a JPEG up to its first scan, as a small JPEG that a header
 * read understands: other application segments and comments (which may be
 * hundreds of megabytes) are left out, and only segment headers are read.
 */
export async function jpegHeaderOnly(fh: FileHandle, size: number): Promise<Buffer | undefined> {
  const w = new FileWindow(fh, size, 4096);
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  let total = 2;
  let pos = 2;
  for (let guard = 0; guard < 100_000; guard++) {
    if (!(await w.ensure(pos, 2)) || w.byte(pos) !== 0xff) return undefined;
    const marker = w.byte(pos + 1);
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (isStandaloneJpegMarker(marker)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || !(await w.ensure(pos, 4))) return undefined;
    const length = 2 + w.u16(pos + 2);
    const droppable = (marker >= 0xe0 && marker <= 0xef && !KEPT_JPEG_APP.has(marker)) || marker === 0xfe;
    if (!droppable) {
      const segment = await readAt(fh, pos, length);
      total += segment.length;
      if (segment.length < length || total > 16 * 1024 * 1024) return undefined;
      parts.push(segment);
    }
    if (marker === 0xda) {
      parts.push(JPEG_EOI);
      return Buffer.concat(parts);
    }
    pos += length;
  }
  return undefined;
}

/** A sliding read window over a file, for walking chunk and segment headers. */
class FileWindow {
  buf: Buffer = Buffer.alloc(0);
  start = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly span = 256 * 1024,
  ) {}

  /** Make bytes [pos, pos + n) available; false when the file ends first. */
  async ensure(pos: number, n: number): Promise<boolean> {
    if (pos < 0 || pos + n > this.size) return false;
    if (pos >= this.start && pos + n <= this.start + this.buf.length) return true;
    this.buf = await readAt(this.fh, pos, Math.min(Math.max(n, this.span), this.size - pos));
    this.start = pos;
    return this.buf.length >= n;
  }

  byte(pos: number): number {
    return this.buf[pos - this.start]!;
  }

  u16(pos: number): number {
    return this.buf.readUInt16BE(pos - this.start);
  }

  u32(pos: number): number {
    return this.buf.readUInt32BE(pos - this.start);
  }

  text(pos: number, n: number): string {
    return this.buf.toString('latin1', pos - this.start, pos - this.start + n);
  }
}

function corrupt(file: string, what: string): OrigoError {
  return new OrigoError('ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', `File ${file} ${what}; upload the complete file`);
}

async function checkStructure(fh: FileHandle, size: number, kind: Kind, file: string): Promise<void> {
  switch (kind.format) {
    case 'png':
      return checkPng(fh, size, file);
    case 'jpg':
      return checkJpeg(fh, size, file);
    case 'gif':
      return checkGif(fh, size, file);
    case 'webp':
      return checkWebp(fh, size, file);
    case 'heic':
    case 'avif':
      return checkIsoBmff(fh, size, kind, file);
    default:
      return;
  }
}

const PNG_IEND = Buffer.from('0000000049454e44ae426082', 'hex');

async function checkPng(fh: FileHandle, size: number, file: string): Promise<void> {
  // Nearly every PNG ends with its IEND chunk: one read of 12 bytes.
  if (size >= 8 + PNG_IEND.length && (await readAt(fh, size - PNG_IEND.length, PNG_IEND.length)).equals(PNG_IEND)) {
    return;
  }
  // Otherwise walk the chunk headers (8 bytes each) to find IEND or the cut.
  const w = new FileWindow(fh, size);
  let pos = 8;
  while (await w.ensure(pos, 8)) {
    const length = w.u32(pos);
    const type = w.text(pos + 4, 4);
    const end = pos + 12 + length;
    if (end > size) {
      throw corrupt(file, `is truncated: the PNG has no IEND chunk (its ${type} chunk at byte ${pos} is cut short)`);
    }
    if (type === 'IEND') return; // anything after IEND is tolerated
    pos = end;
  }
  throw corrupt(file, 'is truncated: the PNG has no IEND chunk');
}

const JPEG_EOI = Buffer.from([0xff, 0xd9]);
const isStandaloneJpegMarker = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

/** Offset of the first start-of-scan marker (FF DA), walking the header segments. */
async function jpegFirstScan(w: FileWindow): Promise<number | undefined> {
  let pos = 2;
  for (let guard = 0; guard < 10_000; guard++) {
    if (!(await w.ensure(pos, 2)) || w.byte(pos) !== 0xff) return undefined;
    const marker = w.byte(pos + 1);
    if (marker === 0xda) return pos;
    if (marker === 0xff) {
      pos += 1; // fill byte
    } else if (isStandaloneJpegMarker(marker)) {
      pos += 2;
    } else if (marker === 0xd9) {
      return undefined;
    } else {
      if (!(await w.ensure(pos, 4))) return undefined;
      pos += 2 + w.u16(pos + 2);
    }
  }
  return undefined;
}

/** From pos inside entropy-coded data, the offset of the next real marker. */
async function skipEntropyData(w: FileWindow, start: number): Promise<number | undefined> {
  let pos = start;
  while (await w.ensure(pos, 1)) {
    const local = w.buf.indexOf(0xff, pos - w.start);
    if (local === -1) {
      pos = w.start + w.buf.length;
      continue;
    }
    const at = w.start + local;
    if (!(await w.ensure(at, 2))) return undefined;
    const next = w.byte(at + 1);
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      pos = at + 2; // stuffed byte or restart marker: still scan data
    } else if (next === 0xff) {
      pos = at + 1;
    } else {
      return at;
    }
  }
  return undefined;
}

/** Walk the scans from the first SOS on: is there an EOI marker? Linear, but decodes nothing. */
async function jpegHasEoiAfter(w: FileWindow, firstScan: number): Promise<boolean> {
  let pos = firstScan;
  for (let guard = 0; guard < 1_000_000; guard++) {
    if (!(await w.ensure(pos, 2)) || w.byte(pos) !== 0xff) return false;
    const marker = w.byte(pos + 1);
    if (marker === 0xd9) return true;
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (isStandaloneJpegMarker(marker)) {
      pos += 2;
    } else {
      if (!(await w.ensure(pos, 4))) return false;
      pos += 2 + w.u16(pos + 2);
    }
    if (marker === 0xda || isStandaloneJpegMarker(marker)) {
      const next = await skipEntropyData(w, pos);
      if (next === undefined) return false;
      pos = next;
    }
  }
  return false;
}

async function checkJpeg(fh: FileHandle, size: number, file: string): Promise<void> {
  const w = new FileWindow(fh, size);
  const firstScan = await jpegFirstScan(w);
  // Look for EOI after the image data starts, so the EOI of an EXIF
  // thumbnail in a small file does not count.
  const from = Math.max(firstScan === undefined ? 2 : firstScan + 2, size - JPEG_TAIL);
  const tail = await readAt(fh, from, size - from);
  if (tail.includes(JPEG_EOI)) return;
  // Data after EOI is allowed, and can exceed the tail window (motion photos
  // and gain maps append whole files): walk the scans to find the EOI.
  if (firstScan !== undefined && (await jpegHasEoiAfter(w, firstScan))) return;
  throw corrupt(file, 'is truncated: the JPEG has no end-of-image marker (FF D9) after its image data');
}

async function checkGif(fh: FileHandle, size: number, file: string): Promise<void> {
  const tail = await readAt(fh, Math.max(0, size - 32), Math.min(size, 32));
  let i = tail.length - 1;
  // Tolerate a little padding some tools add after the trailer.
  while (i >= 0 && (tail[i] === 0x00 || tail[i] === 0x0a || tail[i] === 0x0d || tail[i] === 0x20)) i--;
  if (i >= 0 && tail[i] === 0x3b) return;
  throw corrupt(file, 'is truncated: the GIF does not end with its trailer byte (0x3B)');
}

async function checkWebp(fh: FileHandle, size: number, file: string): Promise<void> {
  const head = await readAt(fh, 0, 12);
  if (head.length < 12) throw corrupt(file, 'is truncated: the WebP has no complete RIFF header');
  const declared = head.readUInt32LE(4) + 8;
  if (declared > size) {
    throw corrupt(
      file,
      `is truncated: its RIFF header declares ${formatCount(declared)} bytes but the file has only ${formatCount(size)}`,
    );
  }
}

/** HEIC and AVIF are ISO-BMFF files: every top-level box must fit in the file. */
async function checkIsoBmff(fh: FileHandle, size: number, kind: Kind, file: string): Promise<void> {
  const w = new FileWindow(fh, size, 4096);
  let pos = 0;
  for (let guard = 0; guard < 10_000 && (await w.ensure(pos, 8)); guard++) {
    let boxSize = w.u32(pos);
    const type = w.text(pos + 4, 4);
    // Anything that is not a box header is trailing data, tolerated.
    if (![...type].every((c) => c >= ' ' && c <= '~')) return;
    let headerSize = 8;
    if (boxSize === 1) {
      if (!(await w.ensure(pos, 16))) {
        throw corrupt(file, `is truncated: the ${kind.name} ends inside the header of its ${type} box`);
      }
      boxSize = w.u32(pos + 8) * 2 ** 32 + w.u32(pos + 12);
      headerSize = 16;
    } else if (boxSize === 0) {
      return; // the box runs to the end of the file
    }
    if (boxSize < headerSize) return;
    if (pos + boxSize > size) {
      throw corrupt(
        file,
        `is truncated: its ${kind.name} ${type} box at byte ${pos} needs ${formatCount(boxSize)} bytes ` +
          `but only ${formatCount(size - pos)} remain`,
      );
    }
    pos += boxSize;
  }
}

// ---------------------------------------------------------------------------
// Opacity

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
    return await alphaIsOpaque({ path, format: kind.format, width, frameHeight: height, frames, maxPixels: limits.maxPixels });
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
