// Stack bodies: the `options` object of PUT /stacks.

import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../../errors.ts';
import type { Options } from '../model.ts';
import { checkStackOptions } from './check.ts';

function refusal(options: Options): { code: string; message: string } {
  try {
    checkStackOptions(options);
  } catch (err) {
    if (isOrigoError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checkStackOptions', () => {
  it('accepts known options with valid values', () => {
    expect(() =>
      checkStackOptions({
        'jpg.quality': 60,
        'webp.quality': '100',
        'png.compression_level': 0,
        autoformat: true,
        dpr: 2.5,
        content_disposition: 'attachment',
        'jpg.transparency.color': '000',
        protected: 'true',
        source_file: false,
      }),
    ).not.toThrow();
  });

  it('names an unknown option and lists the known ones', () => {
    const r = refusal({ 'jpeg.quality': 60 });
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('options.jpeg.quality');
    expect(r.message).toContain('jpg.quality');
    expect(r.message).toContain('autoformat');
  });

  it('names a bad value with its path, the value and the range', () => {
    const r = refusal({ 'jpg.quality': 0 });
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('options.jpg.quality');
    expect(r.message).toContain('from 1 to 100');
    expect(r.message).toContain('got 0');
    expect(refusal({ dpr: 11 }).message).toContain('from 1 to 10');
    expect(refusal({ content_disposition: 'download' }).message).toContain('one of inline, attachment');
    expect(refusal({ autoformat: 'yes' }).message).toContain('true or false');
    expect(refusal({ 'transparency.color': 'white' }).message).toContain('options.transparency.color');
  });

  it('accepts expressions for known options only', () => {
    expect(() => checkStackOptions({ 'jpg.quality': '[$q]', dpr: '[$dpr]' })).not.toThrow();
    expect(refusal({ quality: '[$q]' }).message).toContain('options.quality');
  });

  it("accepts rokka's short name af for autoformat", () => {
    expect(() => checkStackOptions({ af: 1 })).not.toThrow();
  });
});
