// Is a JPEG whole? Its end-of-image marker must follow its image data; found
// in the tail, or by walking the scans, without decoding.

import type { FileHandle } from 'node:fs/promises';
import { FileWindow, readAt } from './file-window.ts';
import { corrupt } from './wording.ts';

/** How far from the end of a JPEG its end-of-image marker is looked for first. */
const JPEG_TAIL = 64 * 1024;

export const JPEG_EOI = Buffer.from([0xff, 0xd9]);
export const isStandaloneJpegMarker = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

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

export async function checkJpeg(fh: FileHandle, size: number, file: string): Promise<void> {
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
