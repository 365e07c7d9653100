// The Stacks section in a real browser against a real server: what a person
// sees in the list and the editor, and what the API has stored after each
// save, refusal, reorder and delete. The preview's renders are fetched and
// measured, not trusted.

import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { openSignedIn, type StoredImage, storeImage } from './signed-in-page.ts';

let browser: Browser;
let fx: DashboardFixture;
let image: StoredImage;

const WAIT = { timeout: 20_000 };

async function storedStack(name: string) {
  return api(fx.server, 'GET', `/stacks/${fx.organization}/${name}`, { headers: { 'api-key': fx.apiKey } });
}

async function putStack(name: string, body: unknown): Promise<void> {
  const res = await api(fx.server, 'PUT', `/stacks/${fx.organization}/${name}`, {
    headers: { 'api-key': fx.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`storing stack ${name}: ${res.status} ${res.text}`);
}

async function stackCount(): Promise<number> {
  const res = await api(fx.server, 'GET', `/stacks/${fx.organization}`, { headers: { 'api-key': fx.apiKey } });
  return res.json.total;
}

/** The operations of a stored stack as [name, options] pairs, in order. */
async function storedOperations(name: string): Promise<unknown[]> {
  const res = await storedStack(name);
  expect(res.status).toBe(200);
  return res.json.stack_operations.map((op: { name: string; options: unknown }) => [op.name, op.options]);
}

function operation(page: Page, title: string) {
  return page.getByRole('group', { name: title });
}

async function openEditor(name: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await openSignedIn(browser, fx, `stacks/${name}`, viewport);
  await page.getByRole('heading', { name: `Stack ${name}` }).waitFor(WAIT);
  await page.getByRole('button', { name: 'Save stack' }).waitFor(WAIT);
  return page;
}

/** The pixel width of what the After image's current URL renders, fetched outside the page. */
async function afterWidth(src: string): Promise<number | undefined> {
  const res = await fetch(src);
  if (!res.ok) return undefined;
  return (await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width;
}

describe.skipIf(!browserAvailable())('the Stacks section of the dashboard', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture()]);
    image = await storeImage(fx, { seed: 1, name: 'beach.png', width: 200, height: 100 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it('says what a stack is and how to make one when there is none, with nothing serious for axe', async () => {
    const page = await openSignedIn(browser, fx, 'stacks');
    await page.getByRole('heading', { name: 'Stacks' }).waitFor(WAIT);
    await page.getByText('No stacks yet.').waitFor(WAIT);
    expect(await page.getByText(/A stack is a named list of operations/).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Create your first stack' }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'New stack' }).click();
    await page.getByRole('heading', { name: 'New stack' }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe('/dashboard/stacks/new');
    await page.context().close();
  });

  it('creates "thumb" with resize width 100 then grayscale, stored in that order', async () => {
    const page = await openSignedIn(browser, fx, 'stacks/new');
    await page.getByRole('heading', { name: 'New stack' }).waitFor(WAIT);
    await page.getByLabel('Name', { exact: true }).fill('thumb');
    await page.getByLabel('Operation to add').selectOption('resize');
    await page.getByRole('button', { name: 'Add operation' }).click();
    await operation(page, '1. resize').getByLabel('width').fill('100');
    await page.getByLabel('Operation to add').selectOption('grayscale');
    await page.getByRole('button', { name: 'Add operation' }).click();
    await operation(page, '2. grayscale').waitFor(WAIT);
    await page.getByRole('button', { name: 'Save stack' }).click();

    await page.getByRole('heading', { name: 'Stack thumb' }).waitFor(WAIT);
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('created');
    expect(new URL(page.url()).pathname).toBe('/dashboard/stacks/thumb');
    expect(await storedOperations('thumb')).toEqual([
      ['resize', { width: 100 }],
      ['grayscale', {}],
    ]);
    await page.context().close();
  });

  it('refuses a name that is taken beside the name field, storing nothing', async () => {
    await putStack('taken', { operations: [{ name: 'sepia' }] });
    const page = await openSignedIn(browser, fx, 'stacks/new');
    await page.getByRole('heading', { name: 'New stack' }).waitFor(WAIT);
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('taken');
    await page.getByLabel('Operation to add').selectOption('grayscale');
    await page.getByRole('button', { name: 'Add operation' }).click();
    await page.getByRole('button', { name: 'Save stack' }).click();
    await expect.poll(() => page.locator('#stack-name-error').textContent(), WAIT).toContain('taken');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('heading', { name: 'New stack' }).isVisible()).toBe(true);
    expect(await storedOperations('taken')).toEqual([['sepia', {}]]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('moves an operation up with the keyboard and saves the new order', async () => {
    await putStack('reorder-me', { operations: [{ name: 'resize', options: { width: 80 } }, { name: 'sepia' }] });
    const page = await openEditor('reorder-me');
    const moveUp = page.getByRole('button', { name: 'Move up 2. sepia' });
    await moveUp.focus();
    await page.keyboard.press('Enter');
    await operation(page, '1. sepia').waitFor(WAIT);
    expect(await operation(page, '2. resize').getByLabel('width').inputValue()).toBe('80');
    // The moved operation keeps the focus: at the top, on its "Move down".
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move down 1. sepia');
    expect(await page.getByText('Unsaved changes').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Save stack' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toBe('Saved.');
    expect(await page.getByText('Unsaved changes').count()).toBe(0);
    expect(await storedOperations('reorder-me')).toEqual([
      ['sepia', {}],
      ['resize', { width: 80 }],
    ]);
    await page.context().close();
  });

  it('reorders by dragging an operation by its handle', async () => {
    await putStack('dragged', {
      operations: [{ name: 'resize', options: { width: 90 } }, { name: 'grayscale' }, { name: 'blur' }],
    });
    // Tall enough for both ends of the drag to be on screen: a drag does not scroll the page in a test.
    const page = await openEditor('dragged', { width: 1280, height: 1600 });
    await operation(page, '3. blur').locator('.stack-drag-handle').dragTo(operation(page, '1. resize'));
    await operation(page, '1. blur').waitFor(WAIT);
    await page.getByRole('button', { name: 'Save stack' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toBe('Saved.');
    expect(await storedOperations('dragged')).toEqual([
      ['blur', {}],
      ['resize', { width: 90 }],
      ['grayscale', {}],
    ]);
    await page.context().close();
  });

  it("shows the server's refusal beside the field it names and leaves the stored stack as it was", async () => {
    await putStack('strict', { operations: [{ name: 'grayscale' }, { name: 'resize', options: { width: 120 } }] });
    const page = await openEditor('strict');
    const width = operation(page, '2. resize').getByLabel('width');
    await width.fill('-5');
    await page.getByRole('button', { name: 'Save stack' }).click();

    const alert = operation(page, '2. resize').getByRole('alert');
    await expect.poll(() => alert.textContent(), WAIT).toContain('operations[1].options.width');
    expect(await width.getAttribute('aria-invalid')).toBe('true');
    expect(await width.inputValue()).toBe('-5');
    // Only that field says so in the form (the preview, which renders the edits, may say so too).
    expect(await page.getByRole('form', { name: 'Stack' }).getByRole('alert').count()).toBe(1);
    expect(await storedOperations('strict')).toEqual([
      ['grayscale', {}],
      ['resize', { width: 120 }],
    ]);

    // A stack option refused is shown beside that option, its section opened.
    await width.fill('120');
    await page.getByText('Stack options').click();
    await page.getByLabel('jpg.quality').fill('500');
    await page.getByRole('button', { name: 'Save stack' }).click();
    const quality = page.locator('.stack-options').getByRole('alert');
    await expect.poll(() => quality.textContent(), WAIT).toContain('options.jpg.quality');
    expect((await storedStack('strict')).json.stack_options).toEqual({});
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('previews the unsaved operations on a stored image and follows edits', async () => {
    const stacksBefore = await stackCount();
    const page = await openSignedIn(browser, fx, 'stacks/new');
    await page.getByRole('heading', { name: 'New stack' }).waitFor(WAIT);
    const chooser = page.getByLabel('Preview image');
    await chooser.waitFor(WAIT);
    expect(await chooser.inputValue()).toBe(image.hash);

    const before = page.getByRole('img', { name: /^Before/ });
    await expect.poll(() => before.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBe(200);

    await page.getByLabel('Operation to add').selectOption('resize');
    await page.getByRole('button', { name: 'Add operation' }).click();
    const width = operation(page, '1. resize').getByLabel('width');
    await width.fill('100');
    const after = page.getByRole('img', { name: /^After/ });
    await expect.poll(() => after.getAttribute('src'), WAIT).toContain('resize-width-100');
    const first = (await after.getAttribute('src')) ?? '';
    expect(await afterWidth(first)).toBe(100);
    await expect.poll(() => after.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBe(100);

    await width.fill('150');
    await expect.poll(() => after.getAttribute('src'), WAIT).not.toBe(first);
    expect(await afterWidth((await after.getAttribute('src')) ?? '')).toBe(150);
    await expect.poll(() => after.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBe(150);

    // A render the server refuses shows its message instead of a broken image.
    await width.fill('0');
    const failure = page.locator('.stack-preview').getByRole('alert');
    await expect.poll(() => failure.textContent(), WAIT).toContain('width');
    // Previewing stored nothing.
    expect(await stackCount()).toBe(stacksBefore);
    await page.context().close();
  });

  it('signs the preview when the organization refuses unsigned dynamic renders', async () => {
    const protect = (on: boolean) =>
      api(fx.server, 'PUT', `/organizations/${fx.organization}/options/protect_dynamic_stack`, {
        headers: { 'api-key': fx.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(on),
      });
    expect((await protect(true)).status).toBe(200);
    try {
      await putStack('signed-preview', { operations: [{ name: 'resize', options: { width: 100 } }] });
      const page = await openEditor('signed-preview');
      const after = page.getByRole('img', { name: /^After/ });
      await expect.poll(() => after.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBe(100);
      const src = (await after.getAttribute('src')) ?? '';
      expect(new URL(src).searchParams.get('sig')).toMatch(/^[0-9a-f]{16}$/);
      // Unsigned, the same render is refused: the signature is what makes it show.
      const unsigned = new URL(src);
      unsigned.search = '';
      expect((await fetch(unsigned)).status).toBe(403);
      await page.context().close();
    } finally {
      await protect(false);
    }
  });

  it('lists the stack with its operations; its link opens the editor with the saved values', async () => {
    await putStack('listed', {
      operations: [
        { name: 'resize', options: { width: 64, mode: 'fill' } },
        { name: 'blur', options: { sigma: 2 } },
      ],
      options: { 'jpg.quality': 55, autoformat: true },
    });
    const page = await openSignedIn(browser, fx, 'stacks');
    const link = page.getByRole('link', { name: 'listed', exact: true });
    await link.waitFor(WAIT);
    const card = page.getByRole('listitem').filter({ has: link });
    expect(await card.textContent()).toContain('resize (width 64, mode fill) → blur (sigma 2)');
    expect(await seriousViolations(page)).toEqual([]);

    await link.click();
    await page.getByRole('heading', { name: 'Stack listed' }).waitFor(WAIT);
    const resize = operation(page, '1. resize');
    await resize.getByLabel('width').waitFor(WAIT);
    expect(await resize.getByLabel('width').inputValue()).toBe('64');
    expect(await resize.getByLabel('mode').inputValue()).toBe('fill');
    expect(await operation(page, '2. blur').getByLabel('sigma').inputValue()).toBe('2');
    await page.getByText('Stack options').click();
    expect(await page.getByLabel('jpg.quality').inputValue()).toBe('55');
    expect(await page.getByLabel('autoformat').isChecked()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('shows a stored expression as text and saves it back unchanged', async () => {
    await putStack('by-expression', {
      operations: [{ name: 'resize', options: { width: '[$w * 2]' } }, { name: 'grayscale' }],
      variables: { w: 40 },
    });
    const page = await openEditor('by-expression');
    const width = operation(page, '1. resize').getByLabel('width');
    await width.waitFor(WAIT);
    expect(await width.inputValue()).toBe('[$w * 2]');
    await page.getByRole('button', { name: 'Move up 2. grayscale' }).click();
    await page.getByRole('button', { name: 'Save stack' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toBe('Saved.');
    const stored = await storedStack('by-expression');
    expect(stored.json.stack_operations).toEqual([
      { name: 'grayscale', options: {} },
      { name: 'resize', options: { width: '[$w * 2]' } },
    ]);
    expect(stored.json.stack_variables).toEqual({ w: 40 });
    await page.context().close();
  });

  it('deletes a stack only after the confirmation in the page', async () => {
    await putStack('doomed', { operations: [{ name: 'grayscale' }] });
    await putStack('survivor', { operations: [{ name: 'sepia' }] });
    const page = await openEditor('doomed');
    await page.getByRole('button', { name: 'Delete stack' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await storedStack('doomed')).status).toBe(200);

    await page.getByRole('button', { name: 'Delete stack' }).click();
    await page.getByRole('button', { name: 'Yes, delete “doomed”' }).click();
    await page.getByRole('heading', { name: 'Stacks' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'survivor', exact: true }).waitFor(WAIT);
    expect(await page.getByRole('link', { name: 'doomed', exact: true }).count()).toBe(0);
    expect((await storedStack('doomed')).status).toBe(404);
    await page.context().close();
  });

  it('fits a phone-wide screen without sideways scrolling, list and editor', async () => {
    const phone = { width: 360, height: 740 };
    await putStack('on-a-phone', {
      operations: [
        { name: 'resize', options: { width: 100 } },
        { name: 'crop', options: { width: 50, height: 50 } },
      ],
    });
    const page = await openSignedIn(browser, fx, 'stacks', phone);
    await page.getByRole('link', { name: 'on-a-phone', exact: true }).waitFor(WAIT);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('link', { name: 'on-a-phone', exact: true }).click();
    await operation(page, '2. crop').waitFor(WAIT);
    await page.getByText('Stack options').click();
    await page.getByRole('img', { name: /^After/ }).waitFor(WAIT);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
