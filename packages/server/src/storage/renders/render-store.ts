// The render store keeps rendered images, apart from the source blobs: a
// cache, so a render may be lost (a crash, a purge) and is made again, but
// one that is served is always whole. Keys are chosen by rendering:
// {org}/{imageHash}/{digest}.{ext}, so the renders of one image (or of one
// organization) can be dropped by prefix, without knowing their digests,
// when the image is purged.

import type { Readable } from 'node:stream';

export interface RenderStore {
  /** Opens a cached render; undefined when there is none. A caller that does not read the stream must destroy it (it holds a file or a connection). */
  get(key: string): Promise<{ size: number; stream: Readable } | undefined>;
  /** Stores the bytes under key; readers see all or nothing; an existing key is replaced. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** Removes every render whose key starts with prefix (e.g. "org/hash/"); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}

// The organization names origo accepts (service/organizations.ts), a hex
// image hash (full or short), a hex digest and a short extension. Nothing
// else, so a key can never climb out of its folder ("..", "/" at the start)
// or name a temp file of the store.
const ORG = '[a-z0-9][a-z0-9-]{0,62}';
const HASH = '[0-9a-f]{6,64}';
const KEY = new RegExp(`^${ORG}/${HASH}/[0-9a-f]{8,128}\\.[a-z0-9]{1,10}$`);
const PREFIX = new RegExp(`^${ORG}/(?:${HASH}/)?$`);

/** `key` when it is a render key ({org}/{hash}/{digest}.{ext}); throws naming it otherwise. */
export function checkRenderKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`invalid render key ${JSON.stringify(key)}: not {org}/{hash}/{digest}.{ext}`);
  return key;
}

/** `prefix` when it names one organization's or one image's renders ("org/" or "org/hash/"); throws otherwise. */
export function checkRenderPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new Error(`invalid render prefix ${JSON.stringify(prefix)}: not "{org}/" or "{org}/{hash}/"`);
  }
  return prefix;
}

/** The key of one render: `digest` (hex) names what was rendered, `ext` the format (jpg, webp…). Throws on a part no key may hold. */
export function renderKey(organization: string, hash: string, digest: string, ext: string): string {
  return checkRenderKey(`${organization}/${hash}/${digest}.${ext}`);
}

/** The prefix of every render of one image. */
export function imageRendersPrefix(organization: string, hash: string): string {
  return checkRenderPrefix(`${organization}/${hash}/`);
}
