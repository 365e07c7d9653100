// The renders of images the sweep purged: removed by prefix ({org}/{hash}/)
// once the purge has committed, never before, so the catalog never loses a
// row for want of a render store. A removal that fails is kept and tried
// again at the next sweep of this process; a render left behind meanwhile
// (or lost with the list at a restart) is never served, since rendering
// looks the image up in the catalog first, and costs only its bytes.

import { eachAtMost } from '../each-at-most.ts';
import type { PurgedImage } from '../storage/catalog/catalog.ts';
import { imageRendersPrefix, type RenderStore } from '../storage/renders/render-store.ts';

const REMOVALS_AT_ONCE = 8;
/** Prefixes kept for another try at most: a store that is down for long must not fill the memory. */
const MAX_PENDING = 100_000;

/** Per render store, the prefixes still to remove. */
const pendingByStore = new WeakMap<RenderStore, Set<string>>();

function pendingOf(renders: RenderStore): Set<string> {
  let pending = pendingByStore.get(renders);
  if (!pending) {
    pending = new Set();
    pendingByStore.set(renders, pending);
  }
  return pending;
}

/** The prefix of the image's renders; none for a name or hash no render key can hold (rendering never stored one). */
function rendersPrefixOf(image: PurgedImage): string | undefined {
  try {
    return imageRendersPrefix(image.orgName, image.hash);
  } catch {
    return undefined;
  }
}

export interface RenderRemoval {
  /** Renders removed. */
  removed: number;
  /** Images whose renders are still to remove (after a failure, or a stop). */
  left: number;
  /** Why the first removal that failed did, when one did. */
  error?: string;
}

/**
 * Removes the renders of `images`, and those earlier calls left, a few
 * prefixes at once. An aborted signal stops it starting more; what it did
 * not start is kept for the next call.
 */
export async function removeRendersOf(
  renders: RenderStore,
  images: readonly PurgedImage[],
  signal?: AbortSignal,
): Promise<RenderRemoval> {
  const pending = pendingOf(renders);
  for (const image of images) {
    if (pending.size >= MAX_PENDING) break;
    const prefix = rendersPrefixOf(image);
    if (prefix !== undefined) pending.add(prefix);
  }
  const result: RenderRemoval = { removed: 0, left: 0 };
  await eachAtMost([...pending], REMOVALS_AT_ONCE, async (prefix) => {
    // After a failure the store is likely down: the rest waits for the next
    // sweep rather than each waiting out the store's timeouts now.
    if (signal?.aborted || result.error !== undefined) return;
    try {
      result.removed += await renders.deletePrefix(prefix);
      pending.delete(prefix);
    } catch (err) {
      result.error ??= err instanceof Error ? err.message : String(err);
    }
  });
  result.left = pending.size;
  return result;
}
