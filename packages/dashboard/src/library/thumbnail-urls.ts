// A tile's picture: the image resized to cover a square and cropped to it,
// by a dynamic render URL (render URLs need no key, so a plain <img> loads
// it), with a twice-as-large variant for dense screens.

import type { OrigoClient, SourceImage } from 'origo-client';

/** The tile's side in CSS pixels; the grid may draw it smaller, never larger. */
export const THUMBNAIL_SIZE = 240;

function squareUrl(client: OrigoClient, organization: string, image: SourceImage, side: number): string {
  return client.renderUrl({
    organization,
    hash: image.hash,
    // WebP keeps transparency (a JPEG would paint it black) and is small.
    format: 'webp',
    operations: [
      { name: 'resize', options: { width: side, height: side, mode: 'fill' } },
      { name: 'crop', options: { width: side, height: side } },
    ],
  });
}

export function thumbnailSources(client: OrigoClient, organization: string, image: SourceImage) {
  const src = squareUrl(client, organization, image, THUMBNAIL_SIZE);
  const double = squareUrl(client, organization, image, THUMBNAIL_SIZE * 2);
  return { src, srcset: `${src} 1x, ${double} 2x` };
}
