// The image page in a real browser: its fields match what the API reports,
// the metadata editor saves with one PATCH (and shows a refusal beside the
// field at fault, storing nothing), and delete/restore, lock, protect, copy
// and download do what the API then confirms.

import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, sha1, uniquePng, upload } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { openSignedIn, type StoredImage, storeImage } from './signed-in-page.ts';

let browser: Browser;
let fx: DashboardFixture;

const WAIT = { timeout: 20_000 };

/** The value shown beside a label in the page's field lists. */
function field(page: Page, label: string) {
  return page.locator(`xpath=//dt[normalize-space()="${label}"]/following-sibling::dd[1]`).first();
}

/** The image as the API reports it now (deleted ones too), read with the root key. */
async function imageOf(org: string, hash: string) {
  const res = await api(fx.server, 'GET', `/sourceimages/${org}/${hash}?deleted=true`);
  return { status: res.status, image: res.json };
}

async function metaUserOf(hash: string) {
  const res = await api(fx.server, 'GET', `/sourceimages/${fx.organization}/${hash}/meta/user`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function openImage(image: StoredImage, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await openSignedIn(browser, fx, `images/${image.hash}`, viewport);
  await page.getByRole('heading', { level: 1, name: image.name }).waitFor(WAIT);
  return page;
}

describe.skipIf(!browserAvailable())('the image page', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it('shows the fields the API reports, and what the file says about the camera', async () => {
    const bytes = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#336699' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Origo', Model: 'Field Camera 7', Software: 'origo tests' } })
      .toBuffer();
    const res = await upload(fx.server, fx.organization, [{ name: 'camera.jpg', bytes }]);
    expect(res.status, res.text).toBe(200);
    const { image } = await imageOf(fx.organization, res.json.items[0].hash);
    expect(image.static_metadata?.exif?.Image).toMatchObject({ Make: 'Origo', Model: 'Field Camera 7' });

    const page = await openImage(image);
    expect(await field(page, 'Hash').textContent()).toBe(image.hash);
    expect(await field(page, 'Short hash').textContent()).toBe(image.short_hash);
    expect(await field(page, 'Binary hash').textContent()).toBe(image.binary_hash);
    expect(image.binary_hash).toBe(sha1(bytes));
    expect(await field(page, 'Size').textContent()).toContain(`${image.size.toLocaleString('en-US')} bytes`);
    expect(await field(page, 'Format').textContent()).toContain(image.format);
    expect(await field(page, 'Dimensions').textContent()).toBe(`${image.width} × ${image.height} px`);
    expect(await field(page, 'Created').locator('time').getAttribute('datetime')).toBe(image.created);
    expect(await field(page, 'Deleted').textContent()).toBe('No');
    expect(await field(page, 'Camera').textContent()).toBe('Origo Field Camera 7');
    expect(await field(page, 'Software').textContent()).toBe('origo tests');
    // The preview is a render of this image.
    const preview = page.getByRole('img', { name: `Preview of ${image.name}` });
    expect(await preview.getAttribute('src')).toContain(`/render/${fx.organization}/`);
    expect(await preview.getAttribute('src')).toContain(image.hash);
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBeGreaterThan(0);
    await page.context().close();
  });

  it('saves added, changed and removed fields with one PATCH', async () => {
    const image = await storeImage(fx, { seed: 101, metaUser: { title: 'Beach', caption: 'Sunset', note: 'keep' } });
    const page = await openImage(image);
    let patches = 0;
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches += 1;
    });

    await page.getByLabel('Value of title').fill('Dunes');
    await page.getByRole('button', { name: 'Remove caption' }).click();
    await page.getByRole('button', { name: 'Add field' }).click();
    // title and note are left, so the new row is the third.
    await page.getByLabel('Name of field 3').fill('rank');
    await page.getByLabel('Type of rank').selectOption('int');
    await page.getByLabel('Value of rank').fill('5');
    await page.getByRole('button', { name: 'Save metadata' }).click();

    await page.getByRole('status').filter({ hasText: 'Metadata saved.' }).waitFor(WAIT);
    expect(await metaUserOf(image.hash)).toEqual({ title: 'Dunes', note: 'keep', 'int:rank': 5 });
    expect(patches).toBe(1);
    // The editor shows what is stored now.
    expect(await page.getByLabel('Value of rank').inputValue()).toBe('5');
    expect(await page.getByLabel('Type of rank').inputValue()).toBe('int');
    expect(await page.getByLabel('Value of caption').count()).toBe(0);
    await page.context().close();
  });

  it('shows a refused value beside its field and stores nothing', async () => {
    const image = await storeImage(fx, { seed: 102, metaUser: { title: 'Beach' } });
    // The server's own words for this value, asked the API directly (a refused write changes nothing).
    const refused = await api(fx.server, 'PATCH', `/sourceimages/${fx.organization}/${image.hash}/meta/user`, {
      body: JSON.stringify({ 'int:rank': 'abc' }),
    });
    expect(refused.status).toBe(400);

    const page = await openImage(image);
    await page.getByLabel('Value of title').fill('Changed');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Name of field 2').fill('rank');
    await page.getByLabel('Type of rank').selectOption('int');
    await page.getByLabel('Value of rank').fill('abc');
    await page.getByRole('button', { name: 'Save metadata' }).click();

    const rankRow = page.locator('.metadata-table tbody tr', { has: page.getByLabel('Value of rank') });
    await rankRow.getByRole('alert').waitFor(WAIT);
    expect(await rankRow.getByRole('alert').textContent()).toBe(refused.json.message);
    expect(await page.getByLabel('Value of rank').getAttribute('aria-invalid')).toBe('true');
    // Only that field is marked, and the rows keep what was typed.
    expect(await page.getByRole('alert').count()).toBe(1);
    expect(await page.getByLabel('Value of title').inputValue()).toBe('Changed');
    expect(await metaUserOf(image.hash)).toEqual({ title: 'Beach' });

    // Editing the field clears its refusal; discarding goes back to what is stored.
    await page.getByLabel('Value of rank').fill('7');
    await expect.poll(() => page.getByRole('alert').count(), WAIT).toBe(0);
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => page.getByLabel('Value of title').inputValue(), WAIT).toBe('Beach');
    expect(await page.getByLabel('Value of rank').count()).toBe(0);
    await page.context().close();
  });

  it('shows a refusal that names no field beside Save: a locked image keeps its metadata', async () => {
    const image = await storeImage(fx, { seed: 109, metaUser: { title: 'Beach' } });
    const lock = await api(fx.server, 'PUT', `/sourceimages/${fx.organization}/${image.hash}/options/locked`, {
      body: 'true',
    });
    expect(lock.status, lock.text).toBe(200);
    const refused = await api(fx.server, 'PATCH', `/sourceimages/${fx.organization}/${image.hash}/meta/user`, {
      body: JSON.stringify({ title: 'Dunes' }),
    });
    expect(refused.status).toBe(403);

    const page = await openImage(image);
    expect(await page.getByRole('checkbox', { name: 'Locked' }).isChecked()).toBe(true);
    await page.getByLabel('Value of title').fill('Dunes');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    const alert = page.locator('#metadata-form-error');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toBe(refused.json.message);
    expect(await page.getByRole('alert').count()).toBe(1);
    expect(await metaUserOf(image.hash)).toEqual({ title: 'Beach' });

    // Deleting is refused too, with the server's words beside the control.
    const deleteRefused = await api(fx.server, 'DELETE', `/sourceimages/${fx.organization}/${image.hash}`);
    expect(deleteRefused.status).toBe(403);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete image' }).click();
    const deleteAlert = page.locator('#delete-outcome');
    await deleteAlert.waitFor(WAIT);
    expect(await deleteAlert.textContent()).toBe(deleteRefused.json.message);
    expect((await imageOf(fx.organization, image.hash)).image.deleted).toBe(false);
    await page.context().close();
  });

  it('deletes after a confirmation in the page, and restores', async () => {
    const image = await storeImage(fx, { seed: 103 });
    const page = await openImage(image);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    // Nothing is deleted until the confirmation.
    expect((await imageOf(fx.organization, image.hash)).image.deleted).toBe(false);
    await page.getByRole('button', { name: 'Delete image' }).click();

    await page.getByRole('button', { name: 'Restore' }).waitFor(WAIT);
    expect(await page.getByText('This image is deleted.').isVisible()).toBe(true);
    // The pressed button is gone: focus is on the one that undoes it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), WAIT).toBe('Restore');
    expect(await field(page, 'Deleted').textContent()).toMatch(/^Yes/);
    expect((await imageOf(fx.organization, image.hash)).image.deleted).toBe(true);
    expect((await api(fx.server, 'GET', `/sourceimages/${fx.organization}/${image.hash}`)).status).toBe(404);

    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor(WAIT);
    expect(await field(page, 'Deleted').textContent()).toBe('No');
    expect((await api(fx.server, 'GET', `/sourceimages/${fx.organization}/${image.hash}`)).status).toBe(200);
    await page.context().close();
  });

  it('cancels a delete with Cancel or Escape', async () => {
    const image = await storeImage(fx, { seed: 104 });
    const page = await openImage(image);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    // The confirmation takes the focus, so Escape reaches it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), WAIT).toBe('Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Delete image' }).count()).toBe(0);
    expect((await imageOf(fx.organization, image.hash)).image.deleted).toBe(false);
    await page.context().close();
  });

  it('locks and protects, as the API then reports', async () => {
    const image = await storeImage(fx, { seed: 105 });
    const page = await openImage(image);
    const locked = page.getByRole('checkbox', { name: 'Locked' });
    const isProtected = page.getByRole('checkbox', { name: 'Protected' });
    expect(await locked.isChecked()).toBe(false);

    await locked.check();
    await expect.poll(async () => (await imageOf(fx.organization, image.hash)).image.locked, WAIT).toBe(true);
    await expect.poll(() => locked.isChecked(), WAIT).toBe(true);
    await expect.poll(() => locked.isEnabled(), WAIT).toBe(true);
    await locked.uncheck();
    await expect.poll(async () => (await imageOf(fx.organization, image.hash)).image.locked, WAIT).toBe(false);
    await expect.poll(() => locked.isChecked(), WAIT).toBe(false);

    // Protection is part of the hash: the page moves to the protected image's hash.
    await isProtected.check();
    await expect.poll(() => page.url(), WAIT).not.toContain(image.hash);
    const protectedHash = page.url().split('/').pop() ?? '';
    expect((await imageOf(fx.organization, protectedHash)).image.protected).toBe(true);
    await expect.poll(() => isProtected.isChecked(), WAIT).toBe(true);
    await expect.poll(() => field(page, 'Hash').textContent(), WAIT).toBe(protectedHash);
    // A protected image renders only from a signed URL, which the page makes.
    const preview = page.getByRole('img', { name: `Preview of ${image.name}` });
    await expect.poll(() => preview.getAttribute('src'), WAIT).toContain('sig=');
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBeGreaterThan(0);
    // The image under the old hash was replaced, not kept beside it.
    expect((await api(fx.server, 'GET', `/sourceimages/${fx.organization}/${image.hash}`)).status).toBe(404);

    await expect.poll(() => isProtected.isEnabled(), WAIT).toBe(true);
    await isProtected.uncheck();
    await expect.poll(() => page.url(), WAIT).toContain(image.hash);
    expect((await imageOf(fx.organization, image.hash)).image).toMatchObject({ protected: false, deleted: false });
    await page.context().close();
  });

  it('copies to another organization the user belongs to, and shows why an unknown one fails', async () => {
    await createOrg(fx.server, 'acme-two');
    const me = await api(fx.server, 'GET', '/user', { headers: { 'api-key': fx.apiKey } });
    expect(me.status, me.text).toBe(200);
    const member = await api(fx.server, 'PUT', `/organizations/acme-two/memberships/${me.json.user_id}`, {
      body: JSON.stringify({ roles: ['write'] }),
    });
    expect(member.status, member.text).toBe(201);
    const image = await storeImage(fx, { seed: 106, metaUser: { title: 'Copied' } });

    const page = await openImage(image);
    await page.getByLabel('Copy to organization').fill('acme-two');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Copied to acme-two.' }).waitFor(WAIT);
    const copy = await imageOf('acme-two', image.hash);
    expect(copy.status).toBe(200);
    expect(copy.image).toMatchObject({ name: image.name, user_metadata: { title: 'Copied' } });

    // The server's words for an organization that does not exist, asked with the same user's key.
    const unknown = await api(fx.server, 'COPY', `/sourceimages/${fx.organization}/${image.hash}`, {
      headers: { 'api-key': fx.apiKey, Destination: 'no-such-org' },
    });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    await page.getByLabel('Copy to organization').fill('no-such-org');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    const alert = page.locator('.image-copy').getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toBe(unknown.json.message);
    await page.context().close();
  });

  it('downloads the original bytes under the image name', async () => {
    const bytes = await uniquePng(107, 300, 150);
    const res = await upload(fx.server, fx.organization, [{ name: 'original.png', bytes }]);
    expect(res.status, res.text).toBe(200);
    const page = await openImage(res.json.items[0]);
    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      page.getByRole('button', { name: 'Download original' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('original.png');
    const saved = await readFile((await download.path()) ?? '');
    expect(sha1(saved)).toBe(sha1(bytes));
    await page.context().close();
  });

  it('says so when there is no such image, with a way back to the library', async () => {
    const page = await openSignedIn(browser, fx, `images/${'ab'.repeat(20)}`);
    await page.getByRole('heading', { level: 1, name: 'This image does not exist' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Go to the library' }).click();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor(WAIT);
    await page.context().close();
  });

  it('has no serious accessibility problems, and fits a 360 px screen', async () => {
    const image = await storeImage(fx, {
      seed: 108,
      width: 1600,
      height: 400,
      metaUser: { title: 'A long title for a narrow screen', 'array:tags': ['one', 'two'], 'int:rank': 3 },
    });
    const wide = await openImage(image);
    expect(await seriousViolations(wide)).toEqual([]);
    await wide.getByRole('button', { name: 'Delete', exact: true }).click();
    expect(await seriousViolations(wide)).toEqual([]);
    await wide.context().close();

    const narrow = await openImage(image, { width: 360, height: 740 });
    await narrow.getByRole('button', { name: 'Save metadata' }).waitFor(WAIT);
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousViolations(narrow)).toEqual([]);
    await narrow.context().close();
  });
});
