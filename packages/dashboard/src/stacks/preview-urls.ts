// The render URLs of the editor's preview: "before" is the original scaled
// down by a plain resize; "after" is a dynamic stack made of the editor's
// current operations and options (saved or not), so it follows every edit.
// Both are built by the SDK's renderUrl, which writes rokka's dynamic form
// `/render/{org}/dynamic/{op}-{key}-{value}--{op}…/o-{key}-{value}/{hash}.{format}`,
// and signed when the organization's key can be read, so protected images
// and organizations that protect dynamic renders are previewed too.

import type { ClientRenderUrlOptions, OptionMap, OrigoClient, RenderOperation, UrlStackOptions } from 'origo-client';

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

export function beforeRender(image: PreviewImage): ClientRenderUrlOptions {
  return {
    organization: image.organization,
    hash: image.hash,
    format: previewFormat(image.format),
    operations: [{ name: 'resize', options: { width: BEFORE_WIDTH, upscale: false } }],
  };
}

export function afterRender(
  image: PreviewImage,
  operations: readonly { name: string; options: OptionMap }[],
  options: OptionMap,
): ClientRenderUrlOptions {
  const urlOptions: Record<string, OptionMap[string]> = {};
  for (const [name, value] of Object.entries(options)) if (!NOT_IN_URL.has(name)) urlOptions[name] = value;
  return {
    organization: image.organization,
    hash: image.hash,
    format: previewFormat(image.format),
    // The server checks names and options; the SDK's per-operation types only help hand-written calls.
    operations: operations.map((op) => ({ name: op.name, options: op.options }) as RenderOperation),
    options: urlOptions as UrlStackOptions,
  };
}

/**
 * The URL signed with the organization's key (the SDK reads it once); unsigned when the key cannot
 * be read or the page cannot hash (Web Crypto needs a secure context), which serves what needs no signature.
 */
export async function previewUrl(client: OrigoClient, render: ClientRenderUrlOptions): Promise<string> {
  const unsigned = client.renderUrl(render);
  try {
    return await client.signedRenderUrl(render);
  } catch {
    return unsigned;
  }
}
