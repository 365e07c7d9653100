import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Color, type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngClaiming } from '../../test/fixtures.ts';
import type { ErrorCode } from '../errors.ts';
import { jpegHeaderOnly } from './header.ts';
import { type ProbeLimits, type ProbeResult, probeImage } from './probe.ts';

const LIMITS: ProbeLimits = { maxPixels: 100_000_000, maxFrames: 1000 };

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'origo-probe-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function write(name: string, data: Buffer | string): string {
  // A directory per file keeps the label (the "uploaded" name) as given.
  const sub = path.join(dir, String(counter++));
  fs.mkdirSync(sub);
  const file = path.join(sub, name);
  fs.writeFileSync(file, data);
  return file;
}

function probe(name: string, data: Buffer | string, limits: ProbeLimits = LIMITS): Promise<ProbeResult> {
  const file = write(name, data);
  return probeImage(file, name, limits);
}

async function expectError(promise: Promise<unknown>, code: ErrorCode, status: number, name: string): Promise<Error> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the probe succeeded`);
    },
    (e: unknown) => e as Error & { code: string; status: number },
  );
  expect(err).toMatchObject({ name: 'OrigoError', code, status });
  expect(err.message).toContain(`"${name}"`);
  expect(err.message).not.toContain(dir); // never leak the server-side path
  return err;
}

const solid = (width: number, height: number, channels: 3 | 4, background: Color) =>
  sharp({ create: { width, height, channels, background } });
const noisy = (width: number, height: number) =>
  sharp({
    create: { width, height, channels: 3, background: 'grey', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  });

/** RGBA raw pixels, all opaque red except the listed transparent pixel indexes. */
function rgbaWithHoles(width: number, height: number, holes: number[]): Sharp {
  const px = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) px.set([255, 0, 0, holes.includes(i) ? 0 : 255], i * 4);
  return sharp(px, { raw: { width, height, channels: 4 } });
}

/** Insert a JPEG segment (marker + payload) right after SOI. */
function withJpegSegment(jpeg: Buffer, marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

function iimDataset(num: number, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const header = Buffer.from([0x1c, 2, num, 0, 0]);
  header.writeUInt16BE(body.length, 3);
  return Buffer.concat([header, body]);
}

describe('probeImage: formats', () => {
  it('probes a JPEG as jpg, opaque, with no static metadata', async () => {
    const result = await probe('photo.jpeg', await noisy(120, 80).jpeg().toBuffer());
    expect(result).toEqual({
      format: 'jpg',
      mimetype: 'image/jpeg',
      width: 120,
      height: 80,
      opaque: true,
      animated: false,
      staticMetadata: {},
    });
  });

  it('probes an RGB PNG as opaque without decoding', async () => {
    const result = await probe('rgb.png', await solid(30, 20, 3, 'blue').png().toBuffer());
    expect(result).toMatchObject({ format: 'png', mimetype: 'image/png', width: 30, height: 20, opaque: true });
  });

  it('reports an RGBA PNG whose alpha is fully opaque as opaque', async () => {
    const png = await rgbaWithHoles(16, 16, []).png().toBuffer();
    expect((await sharp(png).metadata()).hasAlpha).toBe(true); // the decoding path is exercised
    expect(await probe('rgba-opaque.png', png)).toMatchObject({ format: 'png', opaque: true });
  });

  it('reports an RGBA PNG with one transparent pixel as not opaque', async () => {
    const png = await rgbaWithHoles(16, 16, [200]).png().toBuffer();
    expect(await probe('one-hole.png', png)).toMatchObject({ format: 'png', opaque: false, width: 16, height: 16 });
  });

  it('probes an animated GIF: frame size, animated, opacity over all frames', async () => {
    const frames = [
      await solid(20, 10, 4, 'red').png().toBuffer(),
      await rgbaWithHoles(20, 10, [0, 1, 2]).png().toBuffer(),
    ];
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    const result = await probe('anim.gif', gif);
    expect(result).toMatchObject({
      format: 'gif',
      mimetype: 'image/gif',
      width: 20,
      height: 10,
      animated: true,
      opaque: false,
    });
  });

  it('looks past the first frame of an animated WebP for transparency', async () => {
    const frames = [
      await solid(20, 10, 4, 'red').png().toBuffer(),
      await solid(20, 10, 4, { r: 0, g: 0, b: 0, alpha: 0 }).png().toBuffer(),
    ];
    const webp = await sharp(frames, { join: { animated: true } })
      .webp()
      .toBuffer();
    const first = await sharp(webp).stats(); // sharp alone looks at frame 1 only
    expect(first.isOpaque).toBe(true);
    expect(await probe('anim.webp', webp)).toMatchObject({
      format: 'webp',
      width: 20,
      height: 10,
      animated: true,
      opaque: false,
    });
    // All frames together above the limit (each frame below it): not decoded, reported not opaque.
    expect(await probe('anim-big.webp', webp, { maxPixels: 300, maxFrames: 1000 })).toMatchObject({
      animated: true,
      opaque: false,
    });
  });

  it('probes a still WebP', async () => {
    const result = await probe('still.webp', await solid(40, 30, 3, 'green').webp().toBuffer());
    expect(result).toMatchObject({
      format: 'webp',
      mimetype: 'image/webp',
      width: 40,
      height: 30,
      opaque: true,
      animated: false,
    });
  });

  it('probes a TIFF with a semi-transparent alpha channel', async () => {
    // sharp's default TIFF compression is JPEG, which drops alpha: use LZW.
    const tiff = await solid(12, 8, 4, { r: 0, g: 0, b: 255, alpha: 0.5 }).tiff({ compression: 'lzw' }).toBuffer();
    expect(await probe('scan.tif', tiff)).toMatchObject({
      format: 'tiff',
      mimetype: 'image/tiff',
      width: 12,
      height: 8,
      opaque: false,
    });
  });

  it('probes an AVIF as avif (HEIF container, AV1 compression)', async () => {
    const avif = await solid(24, 16, 3, 'orange').avif().toBuffer();
    expect(await probe('pic.avif', avif)).toMatchObject({
      format: 'avif',
      mimetype: 'image/avif',
      width: 24,
      height: 16,
      opaque: true,
      animated: false,
    });
  });

  it('cannot write HEIC with this sharp build (no HEVC encoder), so HEIC is not exercised', async () => {
    // If this starts failing, the build gained HEVC: add a HEIC probe test.
    await expect(solid(8, 8, 3, 'red').heif({ compression: 'hevc' }).toBuffer()).rejects.toThrow();
  });

  it('probes an SVG without rendering it, even when it references outside resources', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="30">' +
      '<rect width="40" height="30" fill="red"/>' +
      '<image xlink:href="http://127.0.0.1:9/never-fetched.png" width="10" height="10"/></svg>';
    expect(await probe('logo.svg', svg)).toEqual({
      format: 'svg',
      mimetype: 'image/svg+xml',
      width: 40,
      height: 30,
      opaque: false,
      animated: false,
      staticMetadata: {},
    });
  });
});

describe('probeImage: static metadata', () => {
  it('extracts EXIF as JSON-safe values', async () => {
    const jpeg = await noisy(16, 16)
      .jpeg()
      .withExif({
        IFD0: { Copyright: 'origo test', DateTime: '2024:01:02 03:04:05' },
        IFD2: { UserComment: 'hello from origo' },
      })
      .toBuffer();
    const { staticMetadata } = await probe('exif.jpg', jpeg);
    const exif = staticMetadata['exif'] as Record<string, Record<string, unknown>>;
    expect(exif['Image']).toMatchObject({ Copyright: 'origo test', DateTime: '2024-01-02T03:04:05.000Z' });
    expect(exif['Photo']).toMatchObject({ ExifVersion: expect.any(String), UserComment: 'hello from origo' });
    expect(exif['Image']).not.toHaveProperty('ExifTag'); // pointers are dropped
    expect(exif).not.toHaveProperty('bigEndian');
    // Survives a JSON round trip unchanged: no Buffer, Date, NaN or BigInt.
    expect(JSON.parse(JSON.stringify(staticMetadata))).toEqual(staticMetadata);
  });

  it('extracts IPTC, XMP and the ICC profile description', async () => {
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>origo</dc:title>' +
      '</rdf:Description></rdf:RDF></x:xmpmeta>';
    const base = await noisy(16, 16).jpeg().withIccProfile('p3').withXmp(xmp).toBuffer();
    const iim = Buffer.concat([
      Buffer.from([0x1c, 1, 90, 0, 3, 0x1b, 0x25, 0x47]),
      iimDataset(25, 'cat'),
      iimDataset(25, 'Zürich'),
      iimDataset(116, '© origo'),
    ]);
    const resource = Buffer.alloc(12);
    resource.write('8BIM', 0, 'latin1');
    resource.writeUInt16BE(0x0404, 4);
    resource.writeUInt32BE(iim.length, 8);
    const app13 = Buffer.concat([
      Buffer.from('Photoshop 3.0\0', 'latin1'),
      resource,
      iim,
      Buffer.alloc(iim.length % 2),
    ]);
    const { staticMetadata } = await probe('meta.jpg', withJpegSegment(base, 0xed, app13));
    expect(staticMetadata['iptc']).toEqual({ Keywords: ['cat', 'Zürich'], CopyrightNotice: '© origo' });
    expect(staticMetadata['xmp']).toContain('<dc:title>origo</dc:title>');
    expect(staticMetadata['icc']).toEqual({ description: expect.stringMatching(/P3/) });
  });

  it('cuts a large XMP packet to 64 KiB', async () => {
    const filler = 'é'.repeat(40_000); // 80,000 bytes of UTF-8
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- ${filler} --></x:xmpmeta>`;
    // PNG, not JPEG: one JPEG APP1 segment cannot hold more than 64 KiB (libvips drops it).
    const { staticMetadata } = await probe('big-xmp.png', await noisy(8, 8).png().withXmp(xmp).toBuffer());
    const packet = staticMetadata['xmp'] as string;
    expect(Buffer.byteLength(packet, 'utf8')).toBeLessThanOrEqual(64 * 1024);
    expect(packet.startsWith('<x:xmpmeta')).toBe(true);
    expect(packet).not.toContain('\ufffd'); // not cut inside a character
  });

  it('leaves out a broken EXIF block instead of failing the upload', async () => {
    const base = await noisy(16, 16).jpeg().toBuffer();
    const broken = Buffer.concat([Buffer.from('Exif\0\0MM\0*', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2])]);
    const result = await probe('bad-exif.jpg', withJpegSegment(base, 0xe1, broken));
    expect(result.format).toBe('jpg');
    expect(result.staticMetadata).not.toHaveProperty('exif');
  });
});

describe('probeImage: refusals', () => {
  it('refuses an empty file', async () => {
    await expectError(probe('empty.png', Buffer.alloc(0)), 'ORIGO_ERR_UPLOAD_EMPTY_FILE', 400, 'empty.png');
  });

  it('refuses a text file named .jpg, whatever its name says', async () => {
    const err = await expectError(
      probe('notes.jpg', 'these are not the pixels you are looking for\n'),
      'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT',
      400,
      'notes.jpg',
    );
    expect(err.message).toMatch(/jpg, png/);
  });

  it('refuses a PDF, which this sharp build cannot read, by name', async () => {
    const pdf = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
    const err = await expectError(probe('doc.png', pdf), 'ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT', 400, 'doc.png');
    expect(err.message).toContain('PDF');
  });

  it('refuses a truncated PNG (cut in half)', async () => {
    const png = await noisy(64, 64).png().toBuffer();
    const err = await expectError(
      probe('half.png', png.subarray(0, png.length >> 1)),
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      400,
      'half.png',
    );
    expect(err.message).toContain('IEND');
  });

  it('refuses a PNG cut inside its header as corrupt, not unsupported', async () => {
    const png = await noisy(8, 8).png().toBuffer();
    await expectError(probe('stub.png', png.subarray(0, 20)), 'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', 400, 'stub.png');
  });

  it('refuses an RGBA PNG whose pixel data is damaged', async () => {
    const png = await rgbaWithHoles(64, 64, [5]).png({ compressionLevel: 0 }).toBuffer();
    const damaged = Buffer.from(png);
    for (let i = 200; i < 400; i++) damaged[i] = 0xaa; // inside IDAT; IEND intact
    const err = await expectError(probe('damaged.png', damaged), 'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE', 400, 'damaged.png');
    expect(err.message).toContain('cannot be decoded');
  });

  it('refuses a truncated JPEG', async () => {
    const jpeg = await noisy(64, 64).jpeg().toBuffer();
    const err = await expectError(
      probe('half.jpg', jpeg.subarray(0, jpeg.length >> 1)),
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      400,
      'half.jpg',
    );
    expect(err.message).toContain('FF D9');
  });

  it('does not let the EOI of an embedded thumbnail vouch for a truncated JPEG', async () => {
    const jpeg = await noisy(64, 64).jpeg().toBuffer();
    const thumbnail = Buffer.concat([Buffer.from('thumb', 'latin1'), Buffer.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9])]);
    const withThumb = withJpegSegment(jpeg, 0xe2, thumbnail);
    await expect(probe('thumb.jpg', withThumb)).resolves.toMatchObject({ format: 'jpg' });
    await expectError(
      probe('thumb-cut.jpg', withThumb.subarray(0, withThumb.length - 200)),
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      400,
      'thumb-cut.jpg',
    );
  });

  it('accepts data after the end of a JPEG or PNG, even more than 64 KiB of it', async () => {
    const trailer = Buffer.alloc(100 * 1024, 0x42); // e.g. the video of a motion photo
    const jpeg = await noisy(64, 64).jpeg({ progressive: true }).toBuffer();
    await expect(probe('motion.jpg', Buffer.concat([jpeg, trailer]))).resolves.toMatchObject({ format: 'jpg' });
    const png = await noisy(64, 64).png().toBuffer();
    await expect(probe('tail.png', Buffer.concat([png, trailer]))).resolves.toMatchObject({ format: 'png' });
  });

  it('refuses a GIF without its trailer and a WebP shorter than its RIFF header says', async () => {
    const gif = await noisy(32, 32).gif().toBuffer();
    const gifErr = await expectError(
      probe('cut.gif', gif.subarray(0, gif.length - 40)),
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      400,
      'cut.gif',
    );
    expect(gifErr.message).toContain('0x3B');
    const webp = await noisy(64, 64).webp().toBuffer();
    const webpErr = await expectError(
      probe('cut.webp', webp.subarray(0, webp.length - 100)),
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      400,
      'cut.webp',
    );
    // libwebp's demuxer already checks the RIFF size while reading the header,
    // so the probe's own RIFF check is only a backstop with this sharp build.
    expect(webpErr.message).toContain('WebP');
  });

  it('refuses a truncated AVIF', async () => {
    const avif = await noisy(64, 64).avif().toBuffer();
    await expectError(
      probe('cut.avif', avif.subarray(0, avif.length - 50)),
      'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
      400,
      'cut.avif',
    );
  });

  it('refuses a 30000 x 30000 PNG from its header alone, quickly', async () => {
    const started = performance.now();
    const err = await expectError(
      probe('huge.png', pngClaiming(30_000, 30_000)),
      'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
      413,
      'huge.png',
    );
    expect(performance.now() - started).toBeLessThan(2_000); // decoding 900 MP would take far longer
    expect(err.message).toContain('30000 x 30000');
    expect(err.message).toContain('100,000,000');
  });

  it('applies the pixel limit as given, per frame', async () => {
    const png = await solid(100, 100, 3, 'red').png().toBuffer();
    await expectError(
      probe('limit.png', png, { maxPixels: 9_999, maxFrames: 1000 }),
      'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
      413,
      'limit.png',
    );
    await expect(probe('limit-ok.png', png, { maxPixels: 10_000, maxFrames: 1000 })).resolves.toMatchObject({
      width: 100,
    });
    const frames = [await solid(20, 10, 3, 'red').png().toBuffer(), await solid(20, 10, 3, 'blue').png().toBuffer()];
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    await expect(probe('frames.gif', gif, { maxPixels: 200, maxFrames: 1000 })).resolves.toMatchObject({
      animated: true,
    });
    await expectError(
      probe('frames-big.gif', gif, { maxPixels: 199, maxFrames: 1000 }),
      'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
      413,
      'frames-big.gif',
    );
  });
});

describe('large files are probed from their header bytes', () => {
  /** A JPEG with EXIF, then `fillers` 64 KiB APP15 segments before the image data. */
  async function paddedJpeg(fillers: number): Promise<Buffer> {
    const jpg = await sharp({ create: { width: 120, height: 80, channels: 3, background: 'teal' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'origo header test' } })
      .toBuffer();
    const filler = Buffer.alloc(65_535 + 2, 0x5a);
    filler[0] = 0xff;
    filler[1] = 0xef;
    filler.writeUInt16BE(65_535, 2);
    return Buffer.concat([jpg.subarray(0, 2), ...Array.from({ length: fillers }, () => filler), jpg.subarray(2)]);
  }

  it('gives a JPEG with megabytes of application data before its frame the same result as a whole-file read', async () => {
    const bytes = await paddedJpeg(40);
    const file = write('padded.jpg', bytes);
    const whole = await probeImage(file, 'padded.jpg', {
      maxPixels: 1e9,
      maxFrames: 1000,
      headerOnlyAbove: Number.POSITIVE_INFINITY,
    });
    const header = await probeImage(file, 'padded.jpg', { maxPixels: 1e9, maxFrames: 1000, headerOnlyAbove: 0 });
    expect(header).toEqual(whole);
    expect(header).toMatchObject({ format: 'jpg', width: 120, height: 80 });
    expect(JSON.stringify(header.staticMetadata)).toContain('origo header test');

    // The header path really is taken: it reads a few KB, not the 2.6 MB of filler.
    const fh = await fs.promises.open(file, 'r');
    try {
      const compact = await jpegHeaderOnly(fh, bytes.length);
      expect(compact!.length).toBeLessThan(8 * 1024);
      expect(await sharp(compact!).metadata()).toMatchObject({ format: 'jpeg', width: 120, height: 80 });
    } finally {
      await fh.close();
    }
  });

  it('gives a PNG the same result as a whole-file read', async () => {
    const noise = Buffer.alloc(300 * 200 * 4);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const bytes = await sharp(noise, { raw: { width: 300, height: 200, channels: 4 } })
      .png()
      .toBuffer();
    const file = write('noise.png', bytes);
    const whole = await probeImage(file, 'noise.png', {
      maxPixels: 1e9,
      maxFrames: 1000,
      headerOnlyAbove: Number.POSITIVE_INFINITY,
    });
    expect(await probeImage(file, 'noise.png', { maxPixels: 1e9, maxFrames: 1000, headerOnlyAbove: 0 })).toEqual(whole);
  });

  it('still refuses a truncated JPEG and an oversized one from the header path', async () => {
    const bytes = await paddedJpeg(2);
    const cut = write('cut.jpg', bytes.subarray(0, bytes.length - 200));
    await expect(
      probeImage(cut, 'cut.jpg', { maxPixels: 1e9, maxFrames: 1000, headerOnlyAbove: 0 }),
    ).rejects.toMatchObject({
      code: 'ORIGO_ERR_UPLOAD_CORRUPT_IMAGE',
    });
    const whole = write('whole.jpg', bytes);
    await expect(
      probeImage(whole, 'whole.jpg', { maxPixels: 100, maxFrames: 1000, headerOnlyAbove: 0 }),
    ).rejects.toMatchObject({
      code: 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS',
    });
  });
});
