// The subject area on the image page: drawn with the pointer (or typed) in
// image pixels, saved as dynamic metadata (a new hash, which the page
// follows), and followed by the crop previews, whose pixels show it: on an
// image whose left half is red and right half blue, a square crop around a
// box on the blue half is blue.

import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, upload } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { RED_BLUE_WIDTH, redBluePng } from './red-blue-image.ts';
import { openSignedIn, type StoredImage } from './signed-in-page.ts';

let browser: Browser;
let fx: DashboardFixture;

const WAIT = { timeout: 20_000 };

async function storeRedBlue(seed: number): Promise<StoredImage> {
  const res = await upload(fx.server, fx.organization, [
    { name: `red-blue-${seed}.png`, bytes: await redBluePng(seed) },
  ]);
  expect(res.status, res.text).toBe(200);
  return res.json.items[0];
}

async function imageOf(hash: string) {
  return api(fx.server, 'GET', `/sourceimages/${fx.organization}/${hash}`);
}

/** The mean colour of an image at a URL, decoded here with sharp. */
async function meanColour(url: string): Promise<{ r: number; g: number; b: number; width: number; height: number }> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  const image = sharp(Buffer.from(await res.arrayBuffer())).removeAlpha();
  const stats = await image.stats();
  const meta = await image.metadata();
  const [r, g, b] = stats.channels.map((channel) => channel.mean);
  return { r: r ?? 0, g: g ?? 0, b: b ?? 0, width: meta.width ?? 0, height: meta.height ?? 0 };
}

/** The src of a crop preview once it is a render of `hash`. */
async function cropSrc(page: Page, name: string, hash: string): Promise<string> {
  const crop = page.getByRole('img', { name });
  await expect.poll(() => crop.getAttribute('src'), WAIT).toContain(hash);
  return (await crop.getAttribute('src')) ?? '';
}

const hashInUrl = (page: Page) => page.url().split('/').pop() ?? '';

describe.skipIf(!browserAvailable())('the subject area on the image page', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it('draws a box over the blue half, saves it, crops follow it, and removes it', async () => {
    const image = await storeRedBlue(1);
    const page = await openSignedIn(browser, fx, `images/${image.hash}`);
    const preview = page.getByRole('img', { name: `Preview of ${image.name}` });
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBeGreaterThan(0);

    // Without a subject area, the square crop is centred: half red, half blue.
    const square = `Square crop of ${image.name}`;
    const before = await meanColour(await cropSrc(page, square, image.hash));
    expect(before.r).toBeGreaterThan(90);
    expect(before.b).toBeGreaterThan(90);

    await page.getByRole('button', { name: 'Draw' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Draw' }).getAttribute('aria-pressed'), WAIT).toBe('true');
    const box = await preview.boundingBox();
    if (box === null) throw new Error('the preview is not on screen');
    // The preview is scaled down: what was drawn must come back in the image's own pixels.
    expect(box.width).toBeLessThan(RED_BLUE_WIDTH);
    const from = { x: box.width * 0.7, y: box.height * 0.2 };
    const to = { x: box.width * 0.95, y: box.height * 0.9 };
    await page.mouse.move(box.x + from.x, box.y + from.y);
    await page.mouse.down();
    await page.mouse.move(box.x + (from.x + to.x) / 2, box.y + (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(box.x + to.x, box.y + to.y, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('subject-overlay').waitFor(WAIT);

    const scale = RED_BLUE_WIDTH / box.width;
    const expected = {
      x: from.x * scale,
      y: from.y * scale,
      width: (to.x - from.x) * scale,
      height: (to.y - from.y) * scale,
    };
    for (const [name, value] of Object.entries(expected)) {
      const input = page.getByLabel(name, { exact: true });
      await expect.poll(async () => Math.abs(Number(await input.inputValue()) - value), WAIT).toBeLessThanOrEqual(3);
    }

    await page.getByRole('button', { name: 'Set subject area' }).click();
    await page.getByRole('status').filter({ hasText: 'Subject area saved.' }).waitFor(WAIT);
    // A subject area is part of the hash: the page now shows the image under its new hash.
    await expect.poll(() => hashInUrl(page), WAIT).not.toBe(image.hash);
    const withArea = hashInUrl(page);
    const stored = await imageOf(withArea);
    expect(stored.status, stored.text).toBe(200);
    const area = stored.json.dynamic_metadata.subject_area;
    for (const [name, value] of Object.entries(expected)) {
      expect(Math.abs(area[name] - value), name).toBeLessThanOrEqual(3);
    }
    // The old hash was replaced rather than kept beside the new one.
    expect((await imageOf(image.hash)).status).toBe(404);

    const after = await meanColour(await cropSrc(page, square, withArea));
    expect(after.width).toBe(240);
    expect(after.b).toBeGreaterThan(240);
    expect(after.r).toBeLessThan(15);
    const wide = await meanColour(await cropSrc(page, `Wide (16:9) crop of ${image.name}`, withArea));
    expect(wide.width / wide.height).toBeCloseTo(16 / 9, 1);
    expect(wide.b).toBeGreaterThan(wide.r);

    await page.getByRole('button', { name: 'Remove subject area' }).click();
    await page.getByRole('status').filter({ hasText: 'Subject area removed.' }).waitFor(WAIT);
    // No dynamic metadata left: back to the plain hash of the bytes.
    await expect.poll(() => hashInUrl(page), WAIT).toBe(image.hash);
    const plain = await imageOf(image.hash);
    expect(plain.status).toBe(200);
    expect(plain.json.dynamic_metadata.subject_area).toBeUndefined();
    expect((await imageOf(withArea)).status).toBe(404);
    await expect.poll(() => page.getByRole('button', { name: 'Remove subject area' }).isDisabled(), WAIT).toBe(true);
    const centred = await meanColour(await cropSrc(page, square, image.hash));
    expect(centred.r).toBeGreaterThan(90);
    await page.context().close();
  });

  it('takes the area from the number inputs, and a click as a focus point', async () => {
    const image = await storeRedBlue(2);
    const page = await openSignedIn(browser, fx, `images/${image.hash}`);
    await page.getByRole('heading', { level: 1, name: image.name }).waitFor(WAIT);

    // From the keyboard: a box on the red half.
    await page.getByLabel('x', { exact: true }).fill('50');
    await page.getByLabel('y', { exact: true }).fill('100');
    await page.getByLabel('width', { exact: true }).fill('300');
    await page.getByLabel('height', { exact: true }).fill('200');
    await page.getByLabel('height', { exact: true }).press('Tab');
    await page.getByRole('button', { name: 'Set subject area' }).click();
    await page.getByRole('status').filter({ hasText: 'Subject area saved.' }).waitFor(WAIT);
    await expect.poll(() => hashInUrl(page), WAIT).not.toBe(image.hash);
    const red = hashInUrl(page);
    expect((await imageOf(red)).json.dynamic_metadata.subject_area).toEqual({ x: 50, y: 100, width: 300, height: 200 });
    const square = await meanColour(await cropSrc(page, `Square crop of ${image.name}`, red));
    expect(square.r).toBeGreaterThan(240);
    expect(square.b).toBeLessThan(15);

    // A click without a drag: a 1 × 1 focus point where it landed, on the blue half.
    await page.getByRole('button', { name: 'Draw' }).click();
    const preview = page.getByRole('img', { name: `Preview of ${image.name}` });
    const box = await preview.boundingBox();
    if (box === null) throw new Error('the preview is not on screen');
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.5);
    await expect.poll(() => page.getByLabel('width', { exact: true }).inputValue(), WAIT).toBe('1');
    expect(await page.getByLabel('height', { exact: true }).inputValue()).toBe('1');
    const x = Number(await page.getByLabel('x', { exact: true }).inputValue());
    expect(Math.abs(x - RED_BLUE_WIDTH * 0.75)).toBeLessThanOrEqual(3);
    await page.getByRole('button', { name: 'Set subject area' }).click();
    await expect.poll(() => hashInUrl(page), WAIT).not.toBe(red);
    const point = hashInUrl(page);
    expect((await imageOf(point)).json.dynamic_metadata.subject_area).toMatchObject({ width: 1, height: 1 });
    const blue = await meanColour(await cropSrc(page, `Square crop of ${image.name}`, point));
    expect(blue.b).toBeGreaterThan(240);
    await page.context().close();
  });

  it('shows the server’s refusal of an area outside the image, and keeps the image', async () => {
    const image = await storeRedBlue(3);
    const refused = await api(
      fx.server,
      'PUT',
      `/sourceimages/${fx.organization}/${image.hash}/meta/dynamic/subject_area`,
      {
        body: JSON.stringify({ x: 1100, y: 0, width: 200, height: 10 }),
      },
    );
    expect(refused.status).toBe(400);
    const page = await openSignedIn(browser, fx, `images/${image.hash}`);
    await page.getByRole('heading', { level: 1, name: image.name }).waitFor(WAIT);
    await page.getByLabel('x', { exact: true }).fill('1100');
    await page.getByLabel('y', { exact: true }).fill('0');
    await page.getByLabel('width', { exact: true }).fill('200');
    await page.getByLabel('height', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Set subject area' }).click();
    const alert = page.locator('.subject-area-controls').getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toBe(refused.json.message);
    expect(hashInUrl(page)).toBe(image.hash);
    expect((await imageOf(image.hash)).json.dynamic_metadata).toEqual({});
    await page.context().close();
  });
});
