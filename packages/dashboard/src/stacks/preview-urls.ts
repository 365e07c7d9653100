// The render URLs of the editor's preview: "before" is the original scaled
// down by a plain resize; "after" is a dynamic stack made of the editor's
// current operations and options (saved or not), so it follows every edit.
// Both are built by the SDK's renderUrl, which writes rokka's dynamic form
// `/render/{org}/dynamic/{op}-{key}-{value}--{op}…/o-{key}-{value}/{hash}.{format}`.

import type { OptionMap, OrigoClient, RenderOperation, UrlStackOptions } from 'origo-client';

/** How wide the original is shown: big enough to judge, small enough to load fast. */
export const BEFORE_WIDTH = 400;

/** Output formats a browser shows and origo writes; anything else is previewed as JPEG. */
const SHOWN_FORMATS = new Set(['jpg', 'png', 'gif', 'webp', 'avif']);

/** Stack options that say who may render, not how: a dynamic URL does not carry them. */
const NOT_IN_URL = new Set(['protected']);

export function previewFormat(imageFormat: string): string {
  const format = imageFormat.toLowerCase() === 'jpeg' ? 'jpg' : imageFormat.toLowerCase();
  return SHOWN_FORMATS.has(format) ? format : 'jpg';
}

export interface PreviewImage {
  organization: string;
  hash: string;
  format: string;
}

export function beforeUrl(client: OrigoClient, image: PreviewImage): string {
  return client.renderUrl({
    organization: image.organization,
    hash: image.hash,
    format: previewFormat(image.format),
    operations: [{ name: 'resize', options: { width: BEFORE_WIDTH, upscale: false } }],
  });
}

export function afterUrl(
  client: OrigoClient,
  image: PreviewImage,
  operations: readonly { name: string; options: OptionMap }[],
  options: OptionMap,
): string {
  const urlOptions: Record<string, OptionMap[string]> = {};
  for (const [name, value] of Object.entries(options)) if (!NOT_IN_URL.has(name)) urlOptions[name] = value;
  return client.renderUrl({
    organization: image.organization,
    hash: image.hash,
    format: previewFormat(image.format),
    // The server checks names and options; the SDK's per-operation types only help hand-written calls.
    operations: operations.map((op) => ({ name: op.name, options: op.options }) as RenderOperation),
    options: urlOptions as UrlStackOptions,
  });
}
