// The images of an organization, one by one, read page by page as they are
// needed, after a count that gives the progress bar its total. A listing
// that fails (wrong key, unknown organization, server down) fails the whole
// move, as a MoveSetupError naming the source.

import type { MovedImage, MoveEndpoint } from './endpoint.ts';
import { setupStep } from './setup-error.ts';

export async function* listImages(
  source: MoveEndpoint,
  org: string,
  query: Record<string, string>,
  onTotal: (total: number) => void,
): AsyncIterable<MovedImage> {
  const what = `listing organization ${org} on ${source.label}`;
  onTotal(await setupStep('source', what, () => source.count(org, query)));
  const images = source.images(org, query)[Symbol.asyncIterator]();
  for (;;) {
    const next = await setupStep('source', what, () => images.next());
    if (next.done) return;
    yield next.value;
  }
}
