// Signing render URLs exactly as origo verifies them (and rokka.js signs):
//
//   sig = first 16 hex digits of sha256(path + query + ":" + key)
//
// path without its SEO name, query with `sig` removed (and `sigopts` set
// when the signature expires). Hashed with Web Crypto, so it runs in
// browsers and in Node alike; hence async.

import { RenderUrlError } from './errors.ts';
import { type RenderUrlOptions, renderUrl } from './url.ts';

export interface SignUrlOptions {
  /** After this, origo refuses the URL (403). */
  until?: Date | null;
  /**
   * Rounds `until` up to a multiple of this many seconds, so that URLs
   * signed a little apart are the same URL for caches. Default 300, as
   * rokka.js; 0 or 1 keeps `until` as given.
   */
  roundDateUpTo?: number;
  /**
   * Keep the SEO name in the signed URL. The signature does not cover it
   * either way; rokka.js (and the default here) leaves it out.
   */
  keepSeoName?: boolean;
}

const DEFAULT_ROUNDING_SECONDS = 300;

/** First 16 hex digits of the SHA-256 of `text`'s UTF-8 bytes. */
async function sha256Prefix(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest, 0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The pathname without its SEO name: `/{stack}/…/{hash}/{name}.{ext}` is
 * signed as `/{stack}/…/{hash}.{ext}`. The element before the name must be a
 * lower-case hash with something before it, the name must hold no `.` or
 * `^`, the extension 2–4 characters; as rokka.js and origo decide it.
 */
export function withoutSeoName(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  const hashSlash = pathname.lastIndexOf('/', slash - 1);
  if (slash < 0 || hashSlash < 1) return pathname;
  const hash = pathname.slice(hashSlash + 1, slash);
  const file = pathname.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  if (!/^[0-9a-f]{6,40}$/.test(hash) || dot < 1) return pathname;
  const name = file.slice(0, dot);
  const extension = file.slice(dot + 1);
  if (/[.^]/.test(name) || extension.length < 2 || extension.length > 4) return pathname;
  return `${pathname.slice(0, slash)}.${extension}`;
}

/** The signature of a path and query (`/render/acme/dynamic/c1b110.jpg?v=…`, without `sig`): 16 hex digits. */
export function renderSignature(pathAndQuery: string, key: string): Promise<string> {
  return sha256Prefix(`${pathAndQuery}:${key}`);
}

function roundedUp(until: Date, seconds: number): Date {
  if (!(seconds > 1)) return until;
  const step = seconds * 1000;
  return new Date(Math.ceil(until.getTime() / step) * step);
}

/**
 * Signs a render URL with the organization's signing key
 * (`GET /organizations/{org}` → `signing_keys[0].key`). Any `sig` and
 * `sigopts` it had are replaced; `sig` comes last.
 */
export async function signUrl(url: string | URL, key: string, options: SignUrlOptions = {}): Promise<string> {
  const target = new URL(url);
  if (key === '') throw new RenderUrlError('A signing key is needed to sign a render URL');
  const { until, roundDateUpTo = DEFAULT_ROUNDING_SECONDS, keepSeoName = false } = options;
  if (until) {
    if (Number.isNaN(until.getTime())) throw new RenderUrlError('until is not a valid date');
    target.searchParams.set('sigopts', JSON.stringify({ until: roundedUp(until, roundDateUpTo).toISOString() }));
  } else {
    target.searchParams.delete('sigopts');
  }
  target.searchParams.delete('sig');
  const signedPath = withoutSeoName(target.pathname);
  const sig = await renderSignature(signedPath + target.search, key);
  if (!keepSeoName) target.pathname = signedPath;
  target.searchParams.append('sig', sig);
  return target.toString();
}

/** A render URL built by {@link renderUrl} and signed with `key`. */
export function signedRenderUrl(
  options: RenderUrlOptions,
  key: string,
  signOptions: SignUrlOptions = {},
): Promise<string> {
  return signUrl(renderUrl(options), key, signOptions);
}
