// Signing in and out of the dashboard in a real browser: the key is traded
// for a token and never stored, refusals stay on the form with a clear message.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, newContext, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';

let browser: Browser;
let fx: DashboardFixture;

describe.skipIf(!browserAvailable())('signing in to the dashboard', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  async function openSignIn(): Promise<Page> {
    const page = await (await newContext(browser)).newPage();
    await page.goto(fx.url);
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    return page;
  }

  async function signIn(page: Page, organization: string, apiKey: string): Promise<void> {
    await page.getByLabel('Organization').fill(organization);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('refuses a wrong key with a clear message and stays on the form', async () => {
    const page = await openSignIn();
    await signIn(page, fx.organization, 'not-the-right-key-0123456789');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This API key was not accepted');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Organization').inputValue()).toBe(fx.organization);
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    await page.context().close();
  });

  it('asks for what is missing when a field is left empty, and sends nothing', async () => {
    const page = await openSignIn();
    let requests = 0;
    page.on('request', (request) => {
      if (!request.url().includes('/dashboard/')) requests += 1;
    });
    await signIn(page, '', fx.apiKey);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter the name of your organization.');
    await signIn(page, fx.organization, '   ');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter your API key.');
    expect(requests).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    await page.context().close();
  });

  it('refuses an organization the key does not belong to, naming it', async () => {
    const page = await openSignIn();
    await signIn(page, 'someone-else', fx.apiKey);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('“someone-else”');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('signs in, keeps only a token (never the key), survives a reload and signs out', async () => {
    const page = await openSignIn();
    await signIn(page, fx.organization, fx.apiKey);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);

    const stored = await page.evaluate(
      () => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }),
    );
    expect(stored).not.toContain(fx.apiKey);
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('origo.dashboard.session') ?? '{}'));
    expect(session).toMatchObject({ organization: fx.organization, token: expect.stringMatching(/^ey/) });

    await page.reload();
    await page.getByRole('heading', { name: 'Library' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.context().close();
  });

  it('has no serious or critical accessibility violation on the sign-in form or the signed-in shell', async () => {
    const page = await openSignIn();
    expect(await seriousViolations(page)).toEqual([]);
    await signIn(page, fx.organization, fx.apiKey);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('fits a phone-wide screen without sideways scrolling', async () => {
    const page = await (await newContext(browser, { width: 360, height: 740 })).newPage();
    await page.goto(fx.url);
    await signIn(page, fx.organization, fx.apiKey);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
