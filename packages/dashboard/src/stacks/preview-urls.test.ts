import { OrigoClient } from 'origo-client';
import { describe, expect, it } from 'vitest';
import { afterRender, beforeRender, previewFormat } from './preview-urls.ts';

const client = new OrigoClient({ url: 'http://origo.test:8080' });
const image = { organization: 'acme', hash: 'c1b110aabb', format: 'png' };

describe('the preview render URLs', () => {
  it('writes the editor operations and options as a dynamic stack, leaving out who may render', () => {
    const render = afterRender(
      image,
      [
        { name: 'resize', options: { width: 100 } },
        { name: 'grayscale', options: {} },
      ],
      { 'jpg.quality': 50, protected: true },
    );
    expect(client.renderUrl(render)).toBe(
      'http://origo.test:8080/render/acme/dynamic/resize-width-100--grayscale/o-jpg.quality-50/c1b110aabb.png',
    );
  });

  it('scales the original down without enlarging it', () => {
    expect(client.renderUrl(beforeRender(image))).toBe(
      'http://origo.test:8080/render/acme/dynamic/resize-width-400-upscale-false/c1b110aabb.png',
    );
  });

  it('previews in a format a browser shows', () => {
    expect(previewFormat('JPEG')).toBe('jpg');
    expect(previewFormat('webp')).toBe('webp');
    expect(previewFormat('svg')).toBe('jpg');
  });
});
