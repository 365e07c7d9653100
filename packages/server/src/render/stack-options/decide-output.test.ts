// The output decision: format by extension and (autoformat) Accept,
// qualities and their high-dpr defaults, dpr's need for a resize, and the
// options that shape the answer. Expected numbers come from spec §6.

import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../../errors.ts';
import type { ImageFacts, Options } from '../model.ts';
import { decideOutput, type OutputDecisionInput } from './decide-output.ts';

const IMAGE: ImageFacts = {
  hash: 'c1b110',
  width: 300,
  height: 200,
  format: 'jpg',
  animated: false,
  subjectArea: undefined,
  cropArea: undefined,
  multiAreas: {},
  userMetadata: {},
};

const BOTH = 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8';
const WEBP = 'image/webp,*/*';

function decide(extension: string, options: Options = {}, more: Partial<OutputDecisionInput> = {}) {
  return decideOutput({
    extension,
    options,
    accept: undefined,
    image: IMAGE,
    hasResize: true,
    canWriteHeif: true,
    ...more,
  });
}

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (isOrigoError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('decideOutput: formats', () => {
  it('maps extensions to formats', () => {
    expect(decide('jpg').output.format).toBe('jpg');
    expect(decide('jpeg').output.format).toBe('jpg');
    expect(decide('png').output.format).toBe('png');
    expect(decide('gif').output.format).toBe('gif');
    expect(decide('webp').output.format).toBe('webp');
    expect(decide('avif').output.format).toBe('avif');
    expect(decide('heic').output.format).toBe('heic');
    expect(decide('heif').output.format).toBe('heic');
  });

  it('refuses an unknown extension, and heic where sharp cannot write it', () => {
    const r = refusal(() => decide('bmp'));
    expect(r.code).toBe('ORIGO_ERR_RENDER_UNKNOWN_FORMAT');
    expect(r.message).toContain('"bmp"');
    expect(r.message).toContain('jpg');
    const heic = refusal(() => decide('heic', {}, { canWriteHeif: false }));
    expect(heic.code).toBe('ORIGO_ERR_RENDER_UNKNOWN_FORMAT');
    expect(heic.message).not.toContain('heif');
  });
});

describe('decideOutput: qualities and defaults', () => {
  it('uses the spec defaults', () => {
    const jpg = decide('jpg');
    expect(jpg.output).toEqual({
      format: 'jpg',
      quality: 80,
      lossless: false,
      compressionLevel: 7,
      transparencyColor: 'FFFFFF',
      dpr: 1,
    });
    expect(jpg).toMatchObject({ vary: false, sourceFile: false, contentDisposition: 'inline', protected: false });
    expect(jpg.output.flattenColor).toBeUndefined();
    expect(decide('webp').output).toMatchObject({ quality: 80, lossless: false });
    expect(decide('avif').output.quality).toBe(45);
    expect(decide('heic').output.quality).toBe(40);
    expect(decide('gif').output.quality).toBe(70);
    expect(decide('png').output).toMatchObject({ compressionLevel: 7, lossless: false });
  });

  it('takes set qualities, from text as from JSON', () => {
    expect(decide('jpg', { 'jpg.quality': '55' }).output.quality).toBe(55);
    expect(decide('avif', { 'avif.quality': 1 }).output.quality).toBe(1);
    expect(decide('heic', { 'heif.quality': 100 }).output.quality).toBe(100);
    expect(decide('gif', { 'gif.quality': '90' }).output.quality).toBe(90);
    expect(decide('png', { 'png.compression_level': '0' }).output.compressionLevel).toBe(0);
    expect(decide('png', { 'png.compression_level': 9 }).output.compressionLevel).toBe(9);
  });

  it('makes webp.quality 100 lossless', () => {
    expect(decide('webp', { 'webp.quality': 100 }).output).toMatchObject({ quality: 100, lossless: true });
    expect(decide('webp', { 'webp.quality': 99 }).output).toMatchObject({ quality: 99, lossless: false });
  });

  it('refuses qualities outside their ranges, naming option, value and range', () => {
    const r = refusal(() => decide('jpg', { 'jpg.quality': 101 }));
    expect(r.code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(r.message).toBe('stack option "jpg.quality" must be a whole number from 1 to 100; got 101');
    expect(refusal(() => decide('jpg', { 'webp.quality': '0' })).message).toContain('"webp.quality"');
    expect(refusal(() => decide('png', { 'png.compression_level': 10 })).message).toContain('from 0 to 9');
    expect(refusal(() => decide('jpg', { 'avif.quality': 50.5 })).message).toContain('whole number');
  });

  it('refuses unknown stack options', () => {
    const r = refusal(() => decide('jpg', { 'jpeg.quality': 50 }));
    expect(r.code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(r.message).toContain('"jpeg.quality"');
    expect(r.message).toContain('jpg.quality');
  });
});

describe('decideOutput: dpr', () => {
  it('is 1 to 10 and passed on', () => {
    expect(decide('png', { dpr: '2.5' }).output.dpr).toBe(2.5);
    expect(decide('png', { dpr: 10 }).output.dpr).toBe(10);
    expect(refusal(() => decide('png', { dpr: 10.5 })).message).toContain('"dpr" must be a number from 1 to 10');
    expect(refusal(() => decide('png', { dpr: '0.5' })).code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
  });

  it('needs a resize operation unless it is 1', () => {
    const r = refusal(() => decide('jpg', { dpr: 2 }, { hasResize: false }));
    expect(r.code).toBe('ORIGO_ERR_RENDER_BAD_OPTION');
    expect(r.message).toContain('dpr');
    expect(r.message).toContain('resize');
    expect(decide('jpg', { dpr: '1' }, { hasResize: false }).output.dpr).toBe(1);
    expect(decide('jpg', {}, { hasResize: false }).output.dpr).toBe(1);
  });

  it('lowers the default jpg and webp quality by 10 above dpr 1.5', () => {
    expect(decide('jpg', { dpr: 1.5 }).output.quality).toBe(80);
    expect(decide('jpg', { dpr: 1.6 }).output.quality).toBe(70);
    expect(decide('jpg', { dpr: 3 }).output.quality).toBe(70);
    expect(decide('webp', { dpr: 2 }).output).toMatchObject({ quality: 70, lossless: false });
  });

  it('keeps a quality that was set explicitly', () => {
    expect(decide('jpg', { dpr: 2, 'jpg.quality': 80 }).output.quality).toBe(80);
    expect(decide('jpg', { dpr: 2, 'jpg.quality': 60 }).output.quality).toBe(60);
    expect(decide('webp', { dpr: 2, 'webp.quality': 100 }).output).toMatchObject({ quality: 100, lossless: true });
  });

  it('leaves the other formats alone', () => {
    expect(decide('avif', { dpr: 2 }).output.quality).toBe(45);
    expect(decide('gif', { dpr: 2 }).output.quality).toBe(70);
    expect(decide('heic', { dpr: 2 }).output.quality).toBe(40);
  });
});

describe('decideOutput: autoformat', () => {
  it('answers JPEG as AVIF when accepted, else WebP, else JPEG; always with Vary', () => {
    expect(decide('jpg', { autoformat: true }, { accept: BOTH }).output).toMatchObject({
      format: 'avif',
      quality: 45,
      lossless: false,
    });
    expect(decide('jpg', { autoformat: true }, { accept: WEBP }).output).toMatchObject({
      format: 'webp',
      quality: 80,
      lossless: false,
    });
    const plain = decide('jpg', { autoformat: true }, { accept: 'image/*' });
    expect(plain.output).toMatchObject({ format: 'jpg', quality: 80 });
    for (const accept of [BOTH, WEBP, 'image/*', undefined]) {
      expect(decide('jpg', { autoformat: true }, { accept }).vary, String(accept)).toBe(true);
    }
  });

  it('honours q=0', () => {
    expect(decide('jpg', { autoformat: true }, { accept: 'image/avif;q=0,image/webp' }).output.format).toBe('webp');
  });

  it('lowers the WebP default for high dpr but not AVIF', () => {
    expect(decide('jpg', { autoformat: true, dpr: 2 }, { accept: WEBP }).output.quality).toBe(70);
    expect(decide('jpg', { autoformat: true, dpr: 2 }, { accept: BOTH }).output.quality).toBe(45);
  });

  it('answers PNG as lossless WebP, lossy when webp.quality is set', () => {
    expect(decide('png', { autoformat: true }, { accept: BOTH }).output).toMatchObject({
      format: 'webp',
      quality: 100,
      lossless: true,
    });
    expect(decide('png', { autoformat: true, 'webp.quality': 85 }, { accept: WEBP }).output).toMatchObject({
      format: 'webp',
      quality: 85,
      lossless: false,
    });
    expect(decide('png', { autoformat: true, 'webp.quality': 100 }, { accept: WEBP }).output.lossless).toBe(true);
    expect(decide('png', { autoformat: true }, { accept: 'image/avif' }).output.format).toBe('png');
  });

  it('leaves other formats and autoformat off alone', () => {
    expect(decide('gif', { autoformat: true }, { accept: BOTH }).output.format).toBe('gif');
    expect(decide('webp', { autoformat: true }, { accept: 'image/avif' }).output.format).toBe('webp');
    const off = decide('jpg', {}, { accept: BOTH });
    expect(off.output.format).toBe('jpg');
    expect(off.vary).toBe(false);
  });

  it('reads URL spellings: o-af-1, "true", "0"', () => {
    expect(decide('jpg', { af: '1' }, { accept: WEBP }).output.format).toBe('webp');
    expect(decide('jpg', { autoformat: 'true' }, { accept: WEBP }).output.format).toBe('webp');
    expect(decide('jpg', { autoformat: '0' }, { accept: WEBP }).output.format).toBe('jpg');
  });
});

describe('decideOutput: answer options', () => {
  it('passes source_file, content_disposition and protected on', () => {
    expect(decide('jpg', { source_file: 'true', content_disposition: 'attachment', protected: true })).toMatchObject({
      sourceFile: true,
      contentDisposition: 'attachment',
      protected: true,
    });
    expect(refusal(() => decide('jpg', { content_disposition: 'download' })).message).toContain(
      'one of inline, attachment',
    );
    expect(refusal(() => decide('jpg', { source_file: 'yes' })).message).toContain('"source_file"');
  });

  it('normalizes transparency colours; transparency.color wins and flattens every format', () => {
    expect(decide('jpg', { 'jpg.transparency.color': '000' }).output.transparencyColor).toBe('000000');
    const always = decide('png', { 'transparency.color': 'f00', 'jpg.transparency.color': '00ff00' });
    expect(always.output.transparencyColor).toBe('FF0000');
    expect(always.output.flattenColor).toBe('FF0000');
    expect(refusal(() => decide('jpg', { 'transparency.color': '#fff' })).message).toContain('hex colour');
  });

  it('treats "__undefined__" as not set', () => {
    expect(decide('jpg', { 'jpg.quality': '__undefined__', dpr: 2 }).output.quality).toBe(70);
  });
});
