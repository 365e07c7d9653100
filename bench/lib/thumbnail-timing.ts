// How long a page takes to show its thumbnails: from the start of a
// navigation until the first, and until `count`, images have loaded. A script
// that runs before the page's own records the time of every image's load
// event (load does not bubble, and never reaches window, but a capturing
// listener on the document sees it),
// relative to the navigation's start, so Node's polling adds nothing.

import type { Page } from 'playwright-core';

export interface ThumbnailTimes {
  firstMs: number;
  allMs: number;
}

/** Call once per page, before navigating: from then on every image's load time is recorded. */
export async function recordImageLoads(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const loads: number[] = [];
    (window as unknown as { __imageLoads: number[] }).__imageLoads = loads;
    document.addEventListener(
      'load',
      (event) => {
        const img = event.target;
        if (img instanceof HTMLImageElement && img.naturalWidth > 0) loads.push(performance.now());
      },
      true,
    );
  });
}

/** Waits until `count` images have loaded in the current document; times from its navigation's start. */
export async function timeThumbnails(page: Page, count: number, timeoutMs = 180_000): Promise<ThumbnailTimes> {
  await page.waitForFunction(
    (want: number) => ((window as unknown as { __imageLoads?: number[] }).__imageLoads?.length ?? 0) >= want,
    count,
    { polling: 100, timeout: timeoutMs },
  );
  const loads = await page.evaluate(() => (window as unknown as { __imageLoads: number[] }).__imageLoads);
  return { firstMs: loads[0]!, allMs: loads[count - 1]! };
}

/** The URLs (as the browser chose them from srcset) of the loaded images in `main`. */
export function loadedImageUrls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('main img')].map((img) => (img as HTMLImageElement).currentSrc).filter(Boolean),
  );
}
