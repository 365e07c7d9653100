import { describe, expect, it } from 'vitest';
import { fileNameOf, parseManifestLine } from './manifest.ts';

const HASH = 'a'.repeat(40);
const BINARY = 'b'.repeat(40);
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    file: `${HASH}.png`,
    hash: HASH,
    binary_hash: BINARY,
    name: 'x.png',
    format: 'png',
    size: 3,
    ...fields,
  });

describe('fileNameOf', () => {
  it('names the file by hash and format only, whatever the image is called', () => {
    const image = { hash: HASH, binary_hash: BINARY, name: '../../etc/passwd', format: 'png', size: 1 };
    expect(fileNameOf(image)).toBe(`${HASH}.png`);
  });
  it('falls back to .bin for a format that is not a plain extension, and refuses a hash that is not hex', () => {
    expect(fileNameOf({ hash: HASH, binary_hash: BINARY, name: 'x', format: '../sh', size: 1 })).toBe(`${HASH}.bin`);
    expect(fileNameOf({ hash: '../x', binary_hash: BINARY, name: 'x', format: 'png', size: 1 })).toBeUndefined();
  });
});

describe('parseManifestLine', () => {
  it('reads a line with defaults for absent metadata and flags', () => {
    expect(parseManifestLine(line({ locked: true }))).toEqual({
      ok: true,
      entry: {
        file: `${HASH}.png`,
        hash: HASH,
        binary_hash: BINARY,
        name: 'x.png',
        format: 'png',
        size: 3,
        user_metadata: {},
        dynamic_metadata: {},
        protected: false,
        locked: true,
        organization: '',
      },
    });
  });
  it('names the field at fault', () => {
    expect(parseManifestLine('{')).toEqual({ ok: false, hash: undefined, reason: 'the line is not valid JSON' });
    expect(parseManifestLine('[]')).toMatchObject({ ok: false, reason: 'the line is not a JSON object' });
    expect(parseManifestLine(line({ hash: 'ABC' }))).toMatchObject({
      reason: '"hash" must be 40 lowercase hex digits',
    });
    expect(parseManifestLine(line({ binary_hash: 5 }))).toMatchObject({
      hash: HASH,
      reason: expect.stringContaining('"binary_hash"'),
    });
    expect(parseManifestLine(line({ file: '' }))).toMatchObject({ reason: '"file" must be a non-empty string' });
    expect(parseManifestLine(line({ size: -1 }))).toMatchObject({ reason: '"size" must be a whole number of bytes' });
    expect(parseManifestLine(line({ user_metadata: [] }))).toMatchObject({
      reason: '"user_metadata" must be an object',
    });
    expect(parseManifestLine(line({ protected: 'yes' }))).toMatchObject({
      reason: '"protected" must be true or false',
    });
  });
});
