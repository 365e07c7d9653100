// Switching organization in the top bar, in a real browser: a user in two
// organizations picks the other one and stays there across a reload; a user
// in one sees no choice; a list that cannot be had leaves the current
// organization shown.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { openSignedIn } from './signed-in-page.ts';

const SECOND = 'globex';
const SOLO = 'initech';

let browser: Browser;
let fx: DashboardFixture;
/** A user of its own organization only, on the same server. */
let solo: DashboardFixture;

/** Makes the fixture's user a member of `org` too, through the memberships API with the root key. */
async function addToOrganization(fixture: DashboardFixture, org: string, roles: string[]): Promise<void> {
  await createOrg(fixture.server, org);
  const user = await api(fixture.server, 'GET', '/user', { headers: { 'api-key': fixture.apiKey } });
  if (user.status !== 200) throw new Error(`reading the user: ${user.status} ${user.text}`);
  const res = await api(fixture.server, 'PUT', `/organizations/${org}/memberships/${user.json.user_id}`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles }),
  });
  if (res.status !== 201) throw new Error(`adding the membership: ${res.status} ${res.text}`);
}

async function signUp(fixture: DashboardFixture, org: string): Promise<DashboardFixture> {
  const res = await api(fixture.server, 'POST', '/users', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${org}@example.com`, organization: org }),
  });
  if (res.status !== 200) throw new Error(`creating ${org}: ${res.status} ${res.text}`);
  return { ...fixture, organization: org, apiKey: res.json.api_key };
}

/**
 * Reloads the page and waits until its list of organizations was answered (or failed) and the
 * answer shown: two frames after it, Preact has rendered what the answer changed.
 */
async function reloadAndAwaitList(page: Page): Promise<void> {
  const listed = page.waitForEvent('requestfinished', (r) => r.url().endsWith('/user/organizations'));
  const failed = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/user/organizations'));
  await page.reload();
  await Promise.race([listed, failed]);
  await page.getByRole('heading', { name: 'Library' }).waitFor();
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined)))),
  );
}

describe.skipIf(!browserAvailable())('the organization switcher', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture()]);
    await addToOrganization(fx, SECOND, ['write']);
    solo = await signUp(fx, SOLO);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it('switches to the other organization, goes to its library and keeps it across a reload', async () => {
    const page = await openSignedIn(browser, fx, 'stacks');
    const select = page.getByRole('combobox', { name: 'Organization' });
    await select.waitFor({ timeout: 20_000 });
    expect(await select.inputValue()).toBe(fx.organization);
    expect(await select.locator('option').allTextContents()).toEqual([fx.organization, SECOND]);

    await select.selectOption(SECOND);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await expect.poll(() => page.title(), { timeout: 20_000 }).toContain(SECOND);
    expect(await select.inputValue()).toBe(SECOND);

    await page.reload();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await expect.poll(() => page.title(), { timeout: 20_000 }).toContain(SECOND);
    await select.waitFor({ timeout: 20_000 });
    expect(await select.inputValue()).toBe(SECOND);

    // And back.
    await select.selectOption(fx.organization);
    await expect.poll(() => page.title(), { timeout: 20_000 }).toContain(fx.organization);
    expect(await page.title()).not.toContain(SECOND);
    await page.context().close();
  });

  it('shows a user of one organization its name and no choice', async () => {
    const page = await openSignedIn(browser, solo);
    await reloadAndAwaitList(page);
    expect(await page.getByRole('banner').getByText(SOLO, { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('banner').getByRole('combobox').count()).toBe(0);
    await page.context().close();
  });

  it('shows the current organization alone when its list cannot be had', async () => {
    const page = await openSignedIn(browser, fx);
    await page.route('**/user/organizations', (route) => route.abort());
    await reloadAndAwaitList(page);
    expect(await page.getByRole('banner').getByText(fx.organization, { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('banner').getByRole('combobox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('has no serious accessibility violation, and fits a phone-wide screen', async () => {
    const page = await openSignedIn(browser, fx, '', { width: 360, height: 740 });
    await page.getByRole('combobox', { name: 'Organization' }).waitFor({ timeout: 20_000 });
    expect(await seriousViolations(page)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
