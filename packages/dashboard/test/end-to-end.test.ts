// The dashboard from one person's point of view, in one browser page from the
// sign-in form onwards: a refused key, signing in, uploading three images,
// giving one metadata and finding it by a search, editing that metadata,
// drawing its subject area, deleting and restoring it, and making an API key
// on the Team page. The UI is driven only through the browser; the API is
// used only to check, independently, what the server stored.

import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, newContext, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { RED_BLUE_WIDTH, redBluePng } from './red-blue-image.ts';

let browser: Browser;
let fx: DashboardFixture;

const WAIT = { timeout: 30_000 };

/** A PNG of one colour. */
function plain(background: string): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 300, channels: 3, background } })
    .png()
    .toBuffer();
}

/** A call to the API with the fixture user's own key, as a program of theirs would make it. */
function asUser(method: string, path: string, key = fx.apiKey) {
  return api(fx.server, method, path, { headers: { 'api-key': key } });
}

/** The mean colour and size of an image at a URL, decoded here with sharp. */
async function meanColour(url: string): Promise<{ r: number; g: number; b: number; width: number }> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  const image = sharp(Buffer.from(await res.arrayBuffer())).removeAlpha();
  const [r, g, b] = (await image.stats()).channels.map((channel) => channel.mean);
  return { r: r ?? 0, g: g ?? 0, b: b ?? 0, width: (await image.metadata()).width ?? 0 };
}

const tileNames = (page: Page) => page.locator('.image-grid a').allTextContents();
const hashInUrl = (page: Page) => page.url().split('/').pop() ?? '';

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

describe.skipIf(!browserAvailable())('the dashboard end to end, as one person uses it', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture('e2e')]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it('signs in, uploads, describes, finds, crops, deletes and restores an image, and makes a key', async () => {
    const page = await (await newContext(browser)).newPage();

    // 1. A wrong key: a clear message, and the form stays.
    await page.goto(fx.url);
    await page.getByRole('heading', { name: /Sign in/ }).waitFor(WAIT);
    await page.getByLabel('Organization').fill(fx.organization);
    await page.getByLabel('API key').fill('not-the-right-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('This API key was not accepted');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);

    // 2. The right key.
    await page.getByLabel('API key').fill(fx.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor(WAIT);

    // 3. Three images through the file input.
    const files = [
      { name: 'harbour.png', mimeType: 'image/png', buffer: await redBluePng() },
      { name: 'meadow.png', mimeType: 'image/png', buffer: await plain('#2e8b57') },
      { name: 'dunes.png', mimeType: 'image/png', buffer: await plain('#e0c080') },
    ];
    await page.getByLabel('Upload images').setInputFiles(files);
    await expect.poll(() => page.getByText('3 of 3 files done').isVisible(), WAIT).toBe(true);
    await expect.poll(async () => (await tileNames(page)).sort(), WAIT).toEqual(files.map((f) => f.name).sort());
    await expectAccessible(page);
    const listed = await asUser('GET', `/sourceimages/${fx.organization}`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items.map((i: { name: string }) => i.name).sort()).toEqual(files.map((f) => f.name).sort());

    // 4. A title through the metadata editor, then a search that finds only that image.
    await page.getByRole('link', { name: 'harbour.png', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'harbour.png' }).waitFor(WAIT);
    const harbourHash = hashInUrl(page);
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Name of field 1').fill('title');
    await page.getByLabel('Type of title').selectOption('str');
    await page.getByLabel('Value of title').fill('Harbour at dusk');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByRole('status').filter({ hasText: 'Metadata saved.' }).waitFor(WAIT);
    await expectAccessible(page);

    await page.getByRole('link', { name: '← Back to the library' }).click();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor(WAIT);
    await page.locator('.image-grid a').first().waitFor(WAIT);
    await page.getByLabel('Search').fill('user:str:title=Harbour at dusk');
    await page.getByLabel('Search').press('Enter');
    await expect.poll(() => tileNames(page), WAIT).toEqual(['harbour.png']);

    // 5. The metadata edited again: a changed value and an int field, as the API then reports.
    await page.getByRole('link', { name: 'harbour.png', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'harbour.png' }).waitFor(WAIT);
    await expect.poll(() => page.getByLabel('Value of title').inputValue(), WAIT).toBe('Harbour at dusk');
    await page.getByLabel('Value of title').fill('Harbour at night');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Name of field 2').fill('rank');
    await page.getByLabel('Type of rank').selectOption('int');
    await page.getByLabel('Value of rank').fill('4');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByRole('status').filter({ hasText: 'Metadata saved.' }).waitFor(WAIT);
    const described = await asUser('GET', `/sourceimages/${fx.organization}/${harbourHash}`);
    expect(described.status, described.text).toBe(200);
    expect(described.json.user_metadata).toEqual({ title: 'Harbour at night', 'int:rank': 4 });

    // 6. A subject area drawn over the blue half: the square crop turns blue.
    const preview = page.getByRole('img', { name: 'Preview of harbour.png' });
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Draw' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Draw' }).getAttribute('aria-pressed'), WAIT).toBe('true');
    // Reaching the metadata editor's Save scrolled the page down: back up to the preview, as a person would.
    await preview.scrollIntoViewIfNeeded();
    const box = await preview.boundingBox();
    if (box === null) throw new Error('the preview is not on screen');
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.9, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('subject-overlay').waitFor(WAIT);
    await page.getByRole('button', { name: 'Set subject area' }).click();
    await page.getByRole('status').filter({ hasText: 'Subject area saved.' }).waitFor(WAIT);
    // A subject area is part of the hash: the page follows the image to its new one.
    await expect.poll(() => hashInUrl(page), WAIT).not.toBe(harbourHash);
    const croppedHash = hashInUrl(page);
    const cropped = await asUser('GET', `/sourceimages/${fx.organization}/${croppedHash}`);
    expect(cropped.status, cropped.text).toBe(200);
    expect(cropped.json.dynamic_metadata.subject_area.x).toBeGreaterThan(RED_BLUE_WIDTH / 2);
    expect(cropped.json.user_metadata).toEqual({ title: 'Harbour at night', 'int:rank': 4 });
    const square = page.getByRole('img', { name: 'Square crop of harbour.png' });
    await expect.poll(() => square.getAttribute('src'), WAIT).toContain(croppedHash);
    const colour = await meanColour((await square.getAttribute('src')) ?? '');
    expect(colour.b).toBeGreaterThan(240);
    expect(colour.r).toBeLessThan(15);
    await expectAccessible(page);

    // 7. Deleted after the page's confirmation, then restored.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete image' }).click();
    await page.getByRole('button', { name: 'Restore' }).waitFor(WAIT);
    expect(await page.getByText('This image is deleted.').isVisible()).toBe(true);
    expect((await asUser('GET', `/sourceimages/${fx.organization}/${croppedHash}`)).status).toBe(404);
    const deleted = await asUser('GET', `/sourceimages/${fx.organization}/${croppedHash}?deleted=true`);
    expect(deleted.json.deleted).toBe(true);
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor(WAIT);
    expect(await page.getByText('This image is deleted.').count()).toBe(0);
    const restored = await asUser('GET', `/sourceimages/${fx.organization}/${croppedHash}`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.json.deleted).toBe(false);
    // Back in the library, the restored image is among the three again.
    await page.getByRole('link', { name: '← Back to the library' }).click();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor(WAIT);
    await expect.poll(async () => (await tileNames(page)).sort(), WAIT).toEqual(files.map((f) => f.name).sort());
    const harbourTile = page.getByRole('link', { name: 'harbour.png', exact: true });
    expect(await harbourTile.getAttribute('href')).toContain(croppedHash);

    // The Stacks page, visited on the way, for the accessibility check.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stacks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor(WAIT);
    await page.getByText('No stacks yet.').waitFor(WAIT);
    await expectAccessible(page);

    // 8. A key made on the Team page, shown once, that works.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor(WAIT);
    const keys = page.getByRole('region', { name: 'API keys' });
    await page.getByRole('list', { name: 'Your API keys' }).waitFor(WAIT);
    await keys.getByLabel('Comment').fill('e2e');
    await keys.getByRole('button', { name: 'Create key' }).click();
    const shownOnce = keys.getByRole('region', { name: /new API key/ });
    await shownOnce.waitFor(WAIT);
    expect(await shownOnce.textContent()).toContain('will not be shown again');
    const key = ((await shownOnce.locator('.new-key-value code').textContent()) ?? '').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await asUser('GET', '/user', key)).status).toBe(200);
    await expectAccessible(page);
    // Once dismissed, the key is nowhere on the page any more.
    await shownOnce.getByRole('button', { name: /Done/ }).click();
    await expect.poll(() => shownOnce.count(), WAIT).toBe(0);
    expect(await page.content()).not.toContain(key);
    await page.context().close();
  }, 180_000);
});
