// Render keys as rendering builds them, and the prefixes the sweep drops.

import { describe, expect, it } from 'vitest';
import { checkRenderPrefix, imageRendersPrefix, renderKey } from './render-store.ts';

const HASH = 'c1b1100000000000000000000000000000000000';

describe('render keys', () => {
  it('are {org}/{hash}/{digest}.{ext}', () => {
    expect(renderKey('acme', HASH, 'ab12cd34ef56ab78', 'webp')).toBe(`acme/${HASH}/ab12cd34ef56ab78.webp`);
    expect(imageRendersPrefix('acme', HASH)).toBe(`acme/${HASH}/`);
    expect(checkRenderPrefix('acme/')).toBe('acme/');
  });

  it('refuse a part that is not one, naming the key', () => {
    expect(() => renderKey('acme', HASH, 'not-hex!', 'jpg')).toThrow(`invalid render key "acme/${HASH}/not-hex!.jpg"`);
    expect(() => renderKey('acme', '..', 'ab12cd34ef56ab78', 'jpg')).toThrow(
      'invalid render key "acme/../ab12cd34ef56ab78.jpg"',
    );
    expect(() => renderKey('acme', HASH, 'ab12cd34ef56ab78', 'j/pg')).toThrow('invalid render key');
    expect(() => imageRendersPrefix('ACME', HASH)).toThrow(`invalid render prefix "ACME/${HASH}/"`);
  });
});
