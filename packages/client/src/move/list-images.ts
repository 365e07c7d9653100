// The images of an organization, one by one, read page by page as they are
// needed. A listing that fails (wrong key, unknown organization, server
// down) fails the whole move, as a MoveSetupError naming the source.

import type { MovedImage, MoveEndpoint } from './endpoint.ts';
import { setupStep } from './setup-error.ts';

export async function* listImages(
  source: MoveEndpoint,
  org: string,
  query: Record<string, string>,
  onTotal: (total: number) => void,
  signal: AbortSignal | undefined,
): AsyncIterable<MovedImage> {
  let first = true;
  const pages = source.pages(org, query, { signal })[Symbol.asyncIterator]();
  for (;;) {
    const next = await setupStep(`listing organization ${org} on ${source.label}`, () => pages.next());
    if (next.done) return;
    if (first && next.value.total !== undefined) onTotal(next.value.total);
    first = false;
    yield* next.value.items;
  }
}
