// Decompression bombs and their harmless cousins, made in memory: small files
// whose headers promise a lot of decoding. Used by the decode-limit tests and
// by bench/bombs.ts. Importing this loads sharp but not the app.

import { Buffer } from 'node:buffer';
import sharp from 'sharp';

/**
 * An animated GIF of `frames` frames on a width × height canvas, each frame a
 * single pixel (so the file stays tiny: ~23 bytes a frame), with a
 * transparent colour: decoders that render every frame draw the whole canvas
 * each time. Written byte by byte (GIF89a).
 */
export function animatedGif(frames: number, width = 100, height = 100): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0x80; // global colour table of 2 entries (size field 0), colour resolution 1
  header[11] = 0; // background colour index
  header[12] = 0; // no aspect ratio
  parts.push(header, Buffer.from([0, 0, 0, 255, 0, 0])); // black, red
  // Loop forever (NETSCAPE2.0), as animations usually do.
  parts.push(Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0x00, 0x00, 0x00]));
  for (let i = 0; i < frames; i++) {
    // Graphic control: disposal "none", transparent colour index 0, 10 ms delay.
    parts.push(Buffer.from([0x21, 0xf9, 0x04, 0x05, 0x01, 0x00, 0x00, 0x00]));
    const descriptor = Buffer.alloc(10);
    descriptor[0] = 0x2c;
    descriptor.writeUInt16LE(i % width, 1);
    descriptor.writeUInt16LE(Math.floor(i / width) % height, 3);
    descriptor.writeUInt16LE(1, 5);
    descriptor.writeUInt16LE(1, 7);
    parts.push(descriptor);
    // LZW, minimum code size 2: clear (4), colour 1, end (5), 3 bits each, LSB first.
    const codes = 4 | (1 << 3) | (5 << 6);
    parts.push(Buffer.from([0x02, 0x02, codes & 0xff, codes >> 8, 0x00]));
  }
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/** A PNG with an alpha channel, every pixel the same: fully transparent, or fully opaque (alpha 255 everywhere). */
export function flatPngWithAlpha(width: number, height: number, opaque: boolean): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 4,
      background: opaque ? { r: 10, g: 200, b: 30, alpha: 1 } : { r: 0, g: 0, b: 0, alpha: 0 },
    },
  })
    .png()
    .toBuffer();
}

/** An SVG whose root element carries exactly the attributes given, with one small shape inside. */
export function svgWith(attributes: string): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" ${attributes}><rect x="0" y="0" width="10" height="10" fill="red"/></svg>\n`,
  );
}
