// The static metadata of a probed image (EXIF, IPTC, XMP, the ICC profile's
// description), from the blocks sharp's header read returns, made JSON-safe
// and bounded: no Buffers, dates as ISO strings, long strings, arrays and
// binary tags cut or left out, pointer and bulky tags dropped. A block that
// cannot be read is left out; it never fails an upload.

import exifReader from 'exif-reader';
import type { Metadata } from 'sharp';
import { cleanText, parseIptc, stripTrailingNuls } from './iptc.ts';

/** Largest XMP packet kept, in bytes of UTF-8. */
const MAX_XMP = 64 * 1024;

export function staticMetadata(meta: Metadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};

  if (meta.exif !== undefined && meta.exif.length > 0) {
    try {
      const exif = jsonSafeExif(exifReader(meta.exif));
      if (exif !== undefined) out['exif'] = exif;
    } catch {
      // A broken EXIF block is left out; it must not fail the upload.
    }
  }

  for (const block of [meta.iptc, meta.tifftagPhotoshop]) {
    if (block === undefined || 'iptc' in out) continue;
    try {
      const iptc = parseIptc(block);
      if (iptc !== undefined) out['iptc'] = iptc;
    } catch {
      // Same as EXIF: skip what cannot be read.
    }
  }

  if (meta.xmp !== undefined && meta.xmp.length > 0) {
    const xmp = stripTrailingNuls(utf8Prefix(meta.xmp, MAX_XMP).toString('utf8'));
    if (xmp.trim() !== '') out['xmp'] = xmp;
  }

  if (meta.icc !== undefined) {
    const description = iccDescription(meta.icc);
    if (description !== undefined) out['icc'] = { description };
  }

  return out;
}

/** At most max bytes of buf, not cutting a UTF-8 sequence in two. */
function utf8Prefix(buf: Buffer, max: number): Buffer {
  if (buf.length <= max) return buf;
  let end = max;
  // Back off over continuation bytes (10xxxxxx) to the start of a character.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

/** Tags that are pointers, offsets or bulky binary: meaningless once extracted. */
const EXIF_DROP = new Set([
  'MakerNote',
  'PrintImageMatching',
  'JPEGTables',
  'InterColorProfile',
  'XMLPacket',
  'IPTCNAA',
  'ImageResources',
  'ExifTag',
  'GPSTag',
  'InteroperabilityTag',
  'StripOffsets',
  'StripByteCounts',
  'TileOffsets',
  'TileByteCounts',
  'JPEGInterchangeFormat',
  'JPEGInterchangeFormatLength',
  'SubIFDs',
]);
/** Windows XP tags hold UTF-16LE text as bytes. */
const EXIF_UTF16 = new Set(['XPTitle', 'XPComment', 'XPAuthor', 'XPKeywords', 'XPSubject']);
const MAX_STRING = 4096;
const MAX_ARRAY = 256;
const MAX_BINARY = 64;

function jsonSafeExif(exif: exifReader.Exif): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [group, tags] of Object.entries(exif)) {
    if (typeof tags !== 'object' || tags === null || Buffer.isBuffer(tags)) continue; // e.g. bigEndian
    const safeTags: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(tags as Record<string, unknown>)) {
      if (EXIF_DROP.has(name)) continue;
      let safe: unknown;
      if (name === 'UserComment' && Buffer.isBuffer(value)) safe = userComment(value, exif.bigEndian);
      else if (EXIF_UTF16.has(name)) safe = utf16Text(value);
      else safe = jsonSafe(value, 0);
      if (safe !== undefined) safeTags[name] = safe;
    }
    if (Object.keys(safeTags).length > 0) out[group] = safeTags;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cleanString(text: string): string | undefined {
  return cleanText(text, MAX_STRING) || undefined;
}

/** UTF-16LE text of whole code units (an odd last byte is dropped). */
function utf16le(bytes: Buffer): string {
  return bytes.subarray(0, bytes.length - (bytes.length % 2)).toString('utf16le');
}

/** UserComment: an 8-byte character code, then the text. */
function userComment(buf: Buffer, bigEndian: boolean): string | undefined {
  const code = buf.toString('latin1', 0, 8);
  const body = buf.subarray(8);
  if (code.startsWith('ASCII')) return cleanString(body.toString('latin1'));
  if (code.startsWith('UNICODE')) {
    const le = bigEndian ? Buffer.from(body).swap16() : body;
    return cleanString(utf16le(le));
  }
  if (code === '\0\0\0\0\0\0\0\0') return cleanString(body.toString('utf8'));
  return undefined; // JIS or unknown: leave out
}

function utf16Text(value: unknown): string | undefined {
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(value)) bytes = value;
  else if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    bytes = Buffer.from(value as number[]);
  }
  if (bytes === undefined) return undefined;
  return cleanString(utf16le(bytes));
}

/** A JSON-safe copy: no Buffer, Date, BigInt, NaN or Infinity; bounded in size. */
function jsonSafe(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return cleanString(value);
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (value instanceof Uint8Array) {
    if (value.length === 0 || value.length > MAX_BINARY) return undefined;
    const buf = Buffer.from(value.buffer, value.byteOffset, value.length);
    // Short tags like ExifVersion are ASCII ("0232"): show them as text.
    if (buf.every((b) => b >= 0x20 && b <= 0x7e)) return buf.toString('latin1');
    return buf.toString('hex');
  }
  if (depth >= 4) return undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) return undefined;
    const items = value.map((item) => jsonSafe(item, depth + 1)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe = jsonSafe(item, depth + 1);
    if (safe !== undefined) out[key] = safe;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The profile description of an ICC profile ('desc' tag), if cheaply found. */
function iccDescription(icc: Buffer): string | undefined {
  if (icc.length < 132) return undefined;
  const count = Math.min(icc.readUInt32BE(128), 256);
  for (let i = 0; i < count; i++) {
    const entry = 132 + i * 12;
    if (entry + 12 > icc.length) return undefined;
    if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const offset = icc.readUInt32BE(entry + 4);
    const length = icc.readUInt32BE(entry + 8);
    if (length < 12 || offset + length > icc.length) return undefined;
    const tag = icc.subarray(offset, offset + length);
    const type = tag.toString('latin1', 0, 4);
    let text: string | undefined;
    if (type === 'desc') {
      // ICC v2 textDescriptionType: ASCII count, then the ASCII text.
      const n = tag.readUInt32BE(8);
      text = tag.toString('latin1', 12, Math.min(12 + n, tag.length));
    } else if (type === 'mluc' && tag.length >= 16) {
      // ICC v4 multiLocalizedUnicodeType: records of UTF-16BE strings; prefer English.
      const records = tag.readUInt32BE(8);
      const recordSize = tag.readUInt32BE(12);
      let chosen: { at: number; len: number } | undefined;
      for (let r = 0; r < Math.min(records, 64) && recordSize >= 12; r++) {
        const rec = 16 + r * recordSize;
        if (rec + 12 > tag.length) break;
        const candidate = { len: tag.readUInt32BE(rec + 4), at: tag.readUInt32BE(rec + 8) };
        if (chosen === undefined || tag.toString('latin1', rec, rec + 2) === 'en') chosen = candidate;
        if (tag.toString('latin1', rec, rec + 2) === 'en') break;
      }
      if (chosen !== undefined && chosen.at + chosen.len <= tag.length) {
        const be = tag.subarray(chosen.at, chosen.at + chosen.len - (chosen.len % 2));
        text = Buffer.from(be).swap16().toString('utf16le');
      }
    }
    if (text === undefined) return undefined;
    const clean = cleanString(text);
    return clean === undefined ? undefined : clean.slice(0, 256);
  }
  return undefined;
}
