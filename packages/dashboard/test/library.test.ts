// The library in a real browser: the grid of stored images, paging by
// cursor as the person scrolls, search, sort, facets and the deleted view.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { openSignedIn, type StoredImage, storeImage } from './signed-in-page.ts';

let browser: Browser;
let fx: DashboardFixture;
let empty: DashboardFixture;

/** Runs `make` for 0…count-1, a few at a time, as a person's uploads would go. */
async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    made.push(...(await Promise.all(Array.from({ length: size }, (_, k) => make(start + k)))));
  }
  return made;
}

/** The names of the image links in the grid, in order. */
function tileNames(page: Page): Promise<string[]> {
  return page.locator('.image-grid a').allTextContents();
}

async function waitForTiles(page: Page, count: number): Promise<void> {
  await expect.poll(async () => (await tileNames(page)).length, { timeout: 30_000 }).toBe(count);
}

describe.skipIf(!browserAvailable())('the library', () => {
  let stored: StoredImage[];

  beforeAll(async () => {
    [browser, fx, empty] = await Promise.all([
      launchBrowser(),
      startDashboardFixture('acme'),
      startDashboardFixture('vacant'),
    ]);
    stored = await inBatches(130, 6, (i) =>
      storeImage(fx, {
        seed: i + 1,
        width: 24,
        height: 16,
        name: `pic-${String(i).padStart(3, '0')}.png`,
        metaUser: i < 3 ? { title: `Sea ${i}`, category: 'coast', 'array:tags': ['blue', `t${i}`] } : undefined,
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close(), empty?.server.close()]);
  });

  it('says what to do first when the organization has no images', async () => {
    const page = await openSignedIn(browser, empty);
    await page.getByText('Drop images here or use Upload images').waitFor();
    expect(await page.locator('.image-grid a').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('shows stored images as links named by the image, rendered through /render/ in fixed square boxes', async () => {
    const page = await openSignedIn(browser, fx);
    const newest = stored[129];
    if (newest === undefined) throw new Error('no image stored');
    const link = page.getByRole('link', { name: newest.name, exact: true });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/dashboard/images/${newest.hash}`);
    const img = link.locator('img');
    expect(await img.getAttribute('src')).toContain(`/render/${fx.organization}/`);
    expect(await img.getAttribute('src')).toContain(newest.hash);
    const srcset = (await img.getAttribute('srcset')) ?? '';
    expect(srcset).toMatch(/\/render\/.* 1x, .*\/render\/.* 2x$/);
    expect(await img.getAttribute('loading')).toBe('lazy');
    expect(await img.getAttribute('width')).toBe('240');
    expect(await img.getAttribute('height')).toBe('240');
    // The rendered thumbnail really arrives, and is square.
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => [el.complete, el.naturalWidth, el.naturalHeight]), {
        timeout: 30_000,
      })
      .toEqual([true, expect.any(Number), expect.any(Number)]);
    const [w, h] = await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight]);
    expect(w).toBeGreaterThan(0);
    expect(w).toBe(h);
    await page.context().close();
  });

  it('gives every tile its square box before its picture loads', async () => {
    const page = await openSignedIn(browser, fx);
    // Pictures that never arrive: the boxes must still be laid out square and the same size.
    await page.route('**/render/**', () => {});
    await page.locator('.image-grid a').first().waitFor();
    const boxes = await page
      .locator('.image-grid a .thumbnail-picture')
      .evaluateAll((els) => els.slice(0, 10).map((el) => el.getBoundingClientRect()));
    expect(boxes.length).toBe(10);
    for (const box of boxes) {
      expect(box.height).toBeGreaterThan(50);
      expect(Math.abs(box.width - box.height)).toBeLessThanOrEqual(1);
      expect(box.width).toBe(boxes[0]?.width);
    }
    await page.context().close();
  });

  it('loads the following pages as the person scrolls, until every image is shown once', async () => {
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    const first = (await tileNames(page)).length;
    expect(first).toBeLessThan(130);
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 4000);
          return (await tileNames(page)).length;
        },
        { timeout: 60_000, interval: 300 },
      )
      .toBe(130);
    const names = await tileNames(page);
    expect(new Set(names).size).toBe(130);
    expect(new Set(names)).toEqual(new Set(stored.map((s) => s.name)));
    await expect.poll(() => page.getByText('130 of 130 images').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await page.context().close();
  });

  it('loads the next page with the "Load more" button from the keyboard', async () => {
    const page = await openSignedIn(browser, fx);
    const button = page.getByRole('button', { name: 'Load more' });
    await button.waitFor();
    const before = (await tileNames(page)).length;
    await button.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await tileNames(page)).length, { timeout: 30_000 }).toBeGreaterThan(before);
    await page.context().close();
  });

  it('has no serious accessibility violation with images shown', async () => {
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('fits a phone-wide screen without sideways scrolling', async () => {
    const page = await openSignedIn(browser, fx, '', { width: 360, height: 740 });
    await page.locator('.image-grid a').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
