import { describe, expect, it } from 'vitest';
import { cleanDerivedName, imageNameProblem, MAX_IMAGE_NAME_CHARS, shortenKeepingExtension } from './image-name.ts';

describe('imageNameProblem', () => {
  it('accepts ordinary names, accents and emoji up to 255 code points', () => {
    expect(imageNameProblem('photo.jpg')).toBeUndefined();
    expect(imageNameProblem('Café Zürich – été.png')).toBeUndefined();
    expect(imageNameProblem('a'.repeat(255))).toBeUndefined();
    // 255 emoji are 510 UTF-16 units but 255 characters.
    expect(imageNameProblem('😀'.repeat(255))).toBeUndefined();
  });

  it('refuses 256 characters and says how many there are', () => {
    expect(MAX_IMAGE_NAME_CHARS).toBe(255);
    expect(imageNameProblem('a'.repeat(256))).toBe('is 256 characters; at most 255 are allowed');
    expect(imageNameProblem('😀'.repeat(256))).toBe('is 256 characters; at most 255 are allowed');
  });

  it('refuses C0, DEL and C1 control characters, naming the code point', () => {
    expect(imageNameProblem('a\u0000b.jpg')).toBe(
      'contains U+0000, a control character; names may not contain control characters',
    );
    expect(imageNameProblem('a\nb')).toContain('U+000A');
    expect(imageNameProblem('a\rb')).toContain('U+000D');
    expect(imageNameProblem('a\u001bb')).toContain('U+001B');
    expect(imageNameProblem('a\u007fb')).toContain('U+007F');
    expect(imageNameProblem('a\u0085b')).toContain('U+0085');
    // A tab is a control character too.
    expect(imageNameProblem('a\tb')).toContain('U+0009');
  });

  it('refuses an unpaired surrogate but not a paired one', () => {
    expect(imageNameProblem('x\ud800.jpg')).toContain('U+D800, a half of a UTF-16 surrogate pair');
    expect(imageNameProblem('x\udc00.jpg')).toContain('U+DC00');
    expect(imageNameProblem('x\ud83d\ude00.jpg')).toBeUndefined();
  });
});

describe('cleanDerivedName', () => {
  it('drops control characters and keeps the rest', () => {
    expect(cleanDerivedName('a\u0000b\u0085c.jpg')).toBe('abc.jpg');
  });

  it('falls back when nothing is left', () => {
    expect(cleanDerivedName('\u0000 \n')).toBe('image');
    expect(cleanDerivedName('', 'x')).toBe('x');
  });

  it('shortens a long name to 255 characters, keeping its extension', () => {
    const name = cleanDerivedName(`${'b'.repeat(1000)}.jpeg`);
    expect([...name].length).toBe(255);
    expect(name.endsWith('….jpeg')).toBe(true);
    expect(name.startsWith('bbbb')).toBe(true);
    expect(imageNameProblem(name)).toBeUndefined();
  });

  it('counts code points when shortening, so no emoji is cut in half', () => {
    const name = cleanDerivedName(`${'😀'.repeat(300)}.png`);
    expect([...name].length).toBe(255);
    expect(imageNameProblem(name)).toBeUndefined();
  });
});

describe('shortenKeepingExtension', () => {
  it('leaves short names alone', () => {
    expect(shortenKeepingExtension('a.jpg', 10)).toBe('a.jpg');
  });

  it('treats a long "extension" as part of the name', () => {
    expect(shortenKeepingExtension(`a.${'x'.repeat(50)}`, 10)).toBe('a.xxxxxxx…');
  });
});
