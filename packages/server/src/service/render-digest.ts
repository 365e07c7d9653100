// What names a render in the cache: a digest of everything that decides its
// bytes, so two requests that must give the same image share one entry and
// anything that changes the output (an overwritten stack, another Accept
// class under autoformat, a cache buster) lands on a new one. Nothing is
// ever purged to refresh a render; old entries just stop being asked for.

import { createHash } from 'node:crypto';
import type { Area } from '../render/model.ts';
import type { NormalizedOperation, OutputSettings } from '../render/normalized.ts';

/**
 * Raised whenever the pipeline's output for the same inputs changes (a new
 * sharp, another encoder setting), so renders of an older origo are not
 * served by a newer one.
 */
const RENDER_FORMAT_VERSION = 1;

export interface RenderIdentity {
  /** The source image's full hash: it names the source bytes and their dynamic metadata. */
  imageHash: string;
  /** The image's areas, which crops follow. */
  areas: {
    subject: Area | undefined;
    crop: Area | undefined;
    multi: Record<string, { subjectArea?: Area; cropArea?: Area }>;
  };
  operations: NormalizedOperation[];
  output: OutputSettings;
  /** Bumped by DELETE /stacks/{org}/{name}/cache; 0 for dynamic renders. */
  cacheGeneration: number;
  /** The `v<digits>` of the filename: asks for a fresh render of the same image. */
  cacheBuster: string | undefined;
}

/** JSON with object keys sorted, so the digest does not depend on the order fields were set in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function renderDigest(identity: RenderIdentity): string {
  return createHash('sha256')
    .update(canonicalJson({ version: RENDER_FORMAT_VERSION, ...identity }))
    .digest('hex');
}
