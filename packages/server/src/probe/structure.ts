// Structural integrity, without decoding: a file cut short (a truncated
// upload) is refused here, where a header read alone would accept it.

import type { FileHandle } from 'node:fs/promises';
import { FileWindow, readAt } from './file-window.ts';
import { checkJpeg } from './jpeg-structure.ts';
import type { Kind } from './kinds.ts';
import { corrupt, formatCount } from './wording.ts';

export async function checkStructure(fh: FileHandle, size: number, kind: Kind, file: string): Promise<void> {
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
