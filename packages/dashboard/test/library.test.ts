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
        // The newest three carry metadata, so the first page shows their fields as facets.
        metaUser: i >= 127 ? { title: `Sea ${i}`, category: 'coast', 'array:tags': ['blue', `t${i}`] } : undefined,
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

  it('offers the deleted images of a library that has no live ones', async () => {
    const gone = await storeImage(empty, { seed: 9001, name: 'only-one.png' });
    const res = await api(empty.server, 'DELETE', `/sourceimages/${empty.organization}/${gone.hash}`);
    expect(res.status).toBe(204);
    const page = await openSignedIn(browser, empty);
    await page.getByText('Drop images here or use Upload images').waitFor();
    await page.getByLabel('Show deleted images').check();
    await page.getByRole('button', { name: 'Restore only-one.png' }).click();
    await page.getByText('No deleted images can be restored.').waitFor();
    await page.getByLabel('Show deleted images').uncheck();
    await page.getByRole('link', { name: 'only-one.png', exact: true }).waitFor();
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

  it('narrows to what a search in the API syntax finds, and back', async () => {
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    await page.getByLabel('Search').fill('user:str:title=Sea 128');
    await page.getByLabel('Search').press('Enter');
    await waitForTiles(page, 1);
    expect(await tileNames(page)).toEqual(['pic-128.png']);
    await page.getByLabel('Search').fill('user:category=coast user:array:tags=blue');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await waitForTiles(page, 3);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Search').press('Enter');
    await waitForTiles(page, 100);
    await page.context().close();
  });

  it('shows the server’s message for a bad search beside the box and keeps the grid', async () => {
    const page = await openSignedIn(browser, fx);
    await page.getByLabel('Search').fill('user:str:title=Sea 128');
    await page.getByLabel('Search').press('Enter');
    await waitForTiles(page, 1);
    await page.getByLabel('Search').fill('user:int:rank=abc');
    await page.getByLabel('Search').press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // The message names the parameter at fault, as the server words it.
    expect(await alert.textContent()).toContain('user:int:rank');
    expect(await tileNames(page)).toEqual(['pic-128.png']);
    expect(await page.getByLabel('Search').getAttribute('aria-invalid')).toBe('true');
    // A good search clears the message.
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Search').press('Enter');
    await waitForTiles(page, 100);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });

  it('changes the order with the Sort control', async () => {
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    await page.getByLabel('Sort').selectOption({ label: 'Name A–Z' });
    await expect
      .poll(async () => (await tileNames(page)).slice(0, 3))
      .toEqual(['pic-000.png', 'pic-001.png', 'pic-002.png']);
    await page.getByLabel('Sort').selectOption({ label: 'Name Z–A' });
    await expect.poll(async () => (await tileNames(page)).slice(0, 2)).toEqual(['pic-129.png', 'pic-128.png']);
    await page.context().close();
  });

  it('counts facets of the metadata fields and narrows to a value when it is clicked', async () => {
    const page = await openSignedIn(browser, fx);
    const coast = page.getByRole('button', { name: 'category: coast 3' });
    await coast.waitFor();
    expect(await page.getByRole('button', { name: 'tags: blue 3' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'tags: t127 1' }).click();
    await waitForTiles(page, 1);
    expect(await tileNames(page)).toEqual(['pic-127.png']);
    expect(await page.getByLabel('Search').inputValue()).toBe('user:array:tags=t127');
    // The counts follow the search: within it, "blue" is on one image.
    await page.getByRole('button', { name: 'tags: blue 1' }).waitFor();
    await page.context().close();
  });

  it('lists deleted images with a Restore button that brings one back', async () => {
    const victim = stored[10];
    if (victim === undefined) throw new Error('no image stored');
    const res = await api(fx.server, 'DELETE', `/sourceimages/${fx.organization}/${victim.hash}`);
    expect(res.status).toBe(204);
    const page = await openSignedIn(browser, fx);
    await page.getByLabel('Search').fill(`name=${victim.name}`);
    await page.getByLabel('Search').press('Enter');
    await page.getByText('No images match this search.').waitFor();

    await page.getByLabel('Show deleted images').check();
    const restore = page.getByRole('button', { name: `Restore ${victim.name}` });
    await restore.waitFor();
    expect(await page.getByText(victim.name, { exact: true }).isVisible()).toBe(true);
    await restore.click();
    await page.getByText('No deleted images can be restored.').waitFor();

    await page.getByLabel('Show deleted images').uncheck();
    await page.getByRole('link', { name: victim.name, exact: true }).waitFor();
    const back = await api(fx.server, 'GET', `/sourceimages/${fx.organization}/${victim.hash}`);
    expect(back.status).toBe(200);
    await page.context().close();
  });

  it('has no serious accessibility violation with images shown', async () => {
    const page = await openSignedIn(browser, fx);
    await page.getByRole('button', { name: 'category: coast 3' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Show deleted images').check();
    await page
      .getByText(/deleted images|No deleted images/)
      .first()
      .waitFor();
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
