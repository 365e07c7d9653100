// Uploading from the library in a real browser: the file input and a drop,
// progress per file and in total, refusals in the server's words, identical
// bytes told as "already stored", new images first in the grid, no reload.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, readResult, uniquePng } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { openSignedIn } from './signed-in-page.ts';

let browser: Browser;
let fx: DashboardFixture;

function tileNames(page: Page): Promise<string[]> {
  return page.locator('.image-grid a').allTextContents();
}

/** The item of the uploads list for the file `name`. */
function uploadRow(page: Page, name: string) {
  return page.locator('.upload-progress-item').filter({ hasText: name });
}

async function progressOf(page: Page, label: string): Promise<[number, number]> {
  return page.getByLabel(label).evaluate((el: HTMLProgressElement) => [el.value, el.max]);
}

/** The names of the organization's images, as the API lists them. */
async function storedNames(): Promise<string[]> {
  const res = await fetch(`${fx.server.url}/sourceimages/${fx.organization}?limit=2000`, {
    headers: { 'api-key': fx.apiKey },
  });
  const body = (await res.json()) as { items: { name: string }[] };
  return body.items.map((i) => i.name).sort();
}

describe.skipIf(!browserAvailable())('uploading from the library', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture('uploads')]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it('uploads three PNGs from the file input: they appear first without a reload, progress complete', async () => {
    const page = await openSignedIn(browser, fx);
    await page.getByText('Drop images here or use Upload images').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const files = await Promise.all(
      [1, 2, 3].map(async (seed) => ({
        name: `upload-${seed}.png`,
        mimeType: 'image/png',
        buffer: await uniquePng(1000 + seed, 300, 200),
      })),
    );
    await page.getByLabel('Upload images').setInputFiles(files);
    await expect.poll(() => page.getByText('3 of 3 files done').isVisible(), { timeout: 30_000 }).toBe(true);
    for (const file of files) {
      expect(await uploadRow(page, file.name).textContent()).toContain('Stored');
      const [value, max] = await progressOf(page, `Upload of ${file.name}`);
      expect(value).toBe(max);
      expect(max).toBeGreaterThan(file.buffer.length);
    }
    const [value, max] = await progressOf(page, 'All uploads');
    expect(value).toBe(max);
    await expect.poll(async () => (await tileNames(page)).sort()).toEqual(files.map((f) => f.name));
    expect(
      await page.getByRole('link', { name: 'upload-2.png', exact: true }).locator('img').getAttribute('src'),
    ).toContain('/render/');
    expect(await storedNames()).toEqual(files.map((f) => f.name));
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('refuses a text file with the server’s own message, and stores nothing', async () => {
    const text = Buffer.from('these are words, not pixels\n');
    // What the server says about this file, asked directly.
    const direct = await readResult(
      await fetch(`${fx.server.url}/sourceimages/${fx.organization}`, {
        method: 'POST',
        headers: { 'api-key': fx.apiKey },
        body: form([{ name: 'notes.txt', bytes: text }]),
      }),
    );
    expect(direct.status).toBeGreaterThanOrEqual(400);
    const message: string = direct.json.message;
    expect(message.length).toBeGreaterThan(0);
    const before = await storedNames();

    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    await page.getByLabel('Upload images').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: text }]);
    await expect.poll(() => uploadRow(page, 'notes.txt').textContent(), { timeout: 30_000 }).toContain(message);
    expect(await uploadRow(page, 'notes.txt').textContent()).toContain('Not stored');
    expect(await tileNames(page)).not.toContain('notes.txt');
    expect(await storedNames()).toEqual(before);
    await page.context().close();
  });

  it('says "already stored" for the same bytes again, and shows no second tile', async () => {
    const bytes = await uniquePng(2000, 120, 80);
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    await page.getByLabel('Upload images').setInputFiles([{ name: 'twice.png', mimeType: 'image/png', buffer: bytes }]);
    await expect.poll(() => uploadRow(page, 'twice.png').textContent(), { timeout: 30_000 }).toContain('Stored');
    const tiles = (await tileNames(page)).length;

    await page.getByLabel('Upload images').setInputFiles([{ name: 'again.png', mimeType: 'image/png', buffer: bytes }]);
    await expect
      .poll(() => uploadRow(page, 'again.png').textContent(), { timeout: 30_000 })
      .toContain('Already stored');
    expect((await tileNames(page)).length).toBe(tiles);
    expect(await tileNames(page)).not.toContain('again.png');
    // After a reload too, there is one image of these bytes.
    await page.reload();
    await page.locator('.image-grid a').first().waitFor();
    expect((await tileNames(page)).filter((n) => n === 'twice.png' || n === 'again.png')).toEqual(['twice.png']);
    await page.context().close();
  });

  it('uploads a file dropped on the library, showing the drop zone while it is dragged over', async () => {
    const bytes = await uniquePng(3000, 90, 90);
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    const transfer = await page.evaluateHandle((data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
      return dt;
    }, Array.from(bytes));
    const zone = page.locator('.upload-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer: transfer });
    await zone.dispatchEvent('dragover', { dataTransfer: transfer });
    await page.getByText('Drop images to upload them').waitFor();
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => uploadRow(page, 'dropped.png').textContent(), { timeout: 30_000 }).toContain('Stored');
    expect(await page.getByText('Drop images to upload them').count()).toBe(0);
    await expect.poll(async () => (await tileNames(page))[0]).toBe('dropped.png');
    expect(await storedNames()).toContain('dropped.png');
    await page.context().close();
  });

  it('sends several files a few at a time', async () => {
    const page = await openSignedIn(browser, fx);
    await page.locator('.image-grid a').first().waitFor();
    let inFlight = 0;
    let most = 0;
    const isUpload = (url: string, method: string) => method === 'POST' && url.includes('/sourceimages/');
    page.on('request', (r) => {
      if (!isUpload(r.url(), r.method())) return;
      inFlight += 1;
      most = Math.max(most, inFlight);
    });
    const done = (r: { url(): string; method(): string }) => {
      if (isUpload(r.url(), r.method())) inFlight -= 1;
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    const files = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map(async (seed) => ({
        name: `batch-${seed}.png`,
        mimeType: 'image/png',
        buffer: await uniquePng(4000 + seed, 400, 300),
      })),
    );
    await page.getByLabel('Upload images').setInputFiles(files);
    await expect.poll(() => page.getByText('7 of 7 files done').isVisible(), { timeout: 60_000 }).toBe(true);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(3);
    for (const file of files) expect(await uploadRow(page, file.name).textContent()).toContain('Stored');
    await page.context().close();
  });
});
