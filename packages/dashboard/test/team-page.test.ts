// The Team page in a real browser: the user's API keys (made, shown once,
// copied, deleted, refused at the limit) and the organization's members
// (added with a key shown once, roles changed, removed). What the page shows
// is checked against the API, read here with the fixture's own key.

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../server/test/helpers.ts';
import { browserAvailable, launchBrowser, seriousViolations } from './browser.ts';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.ts';
import { openSignedIn } from './signed-in-page.ts';

let browser: Browser;
let fx: DashboardFixture;

/** A call to the API with `key` (the fixture's unless given), as a program would make it. */
function asUser(method: string, path: string, key = fx.apiKey, body?: unknown) {
  const headers: Record<string, string> = { 'api-key': key };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return api(fx.server, method, path, { headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
}

interface ListedKey {
  id: string;
  comment: string | null;
}

async function keysOfFixtureUser(): Promise<ListedKey[]> {
  const res = await asUser('GET', '/user/apikeys');
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function addKeyThroughApi(comment: string): Promise<{ id: string; api_key: string }> {
  const res = await asUser('POST', '/user/apikeys', fx.apiKey, { comment });
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function fixtureKeyId(): Promise<string> {
  const res = await asUser('GET', '/user/apikeys/current');
  expect(res.status, res.text).toBe(200);
  return res.json.id;
}

async function membershipsInApi(): Promise<{ user_id: string; roles: string[] }[]> {
  const res = await asUser('GET', `/organizations/${fx.organization}/memberships`);
  expect(res.status, res.text).toBe(200);
  return res.json.items;
}

const keysRegion = (page: Page) => page.getByRole('region', { name: 'API keys' });
const membersRegion = (page: Page) => page.getByRole('region', { name: `Members of ${fx.organization}` });
const keyList = (page: Page) => page.getByRole('list', { name: 'Your API keys' });
const memberList = (page: Page) => page.getByRole('list', { name: `Members of ${fx.organization}` });

async function openTeam(viewport?: { width: number; height: number }): Promise<Page> {
  const page = await openSignedIn(browser, fx, 'team', viewport);
  await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
  await keyList(page).waitFor({ timeout: 20_000 });
  await memberList(page).waitFor({ timeout: 20_000 });
  return page;
}

/** The key shown in a shown-once box, as the person reads it. */
async function shownKey(box: Locator): Promise<string> {
  // The key's own box, not the user id the member's box also shows in code type.
  const text = (await box.locator('.new-key-value code').textContent()) ?? '';
  return text.trim();
}

describe.skipIf(!browserAvailable())('the Team page', () => {
  beforeAll(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), startDashboardFixture()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), fx?.server.close()]);
  });

  it("lists the user's keys by id, and marks the one this session was made from", async () => {
    const page = await openTeam();
    const id = await fixtureKeyId();
    const row = keyList(page).getByRole('listitem').filter({ hasText: id });
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain("This session's key");
    expect(await keysRegion(page).textContent()).not.toContain(fx.apiKey);
    await page.context().close();
  });

  it('creates a key shown once, which works and copies, and is gone from the page after Done and a reload', async () => {
    const page = await openTeam();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(fx.url).origin });
    const region = keysRegion(page);
    await region.getByLabel('Comment').fill('ci');
    await region.getByRole('button', { name: 'Create key' }).click();

    const box = region.getByRole('region', { name: /new API key/ });
    await box.waitFor({ timeout: 20_000 });
    expect(await box.textContent()).toContain('will not be shown again');
    const key = await shownKey(box);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await asUser('GET', '/user', key)).status).toBe(200);
    const created = (await keysOfFixtureUser()).find((k) => k.comment === 'ci');
    expect(created).toBeDefined();
    await expect.poll(() => keyList(page).textContent()).toContain(created?.id);

    await box.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => box.getByRole('status').textContent()).toContain('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    await box.getByRole('button', { name: /Done/ }).click();
    await expect.poll(() => box.count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(await keyList(page).getByRole('listitem').filter({ hasText: 'ci' }).count()).toBe(1);

    await page.reload();
    await keyList(page).waitFor({ timeout: 20_000 });
    await expect.poll(() => keyList(page).textContent()).toContain(created?.id);
    expect(await page.content()).not.toContain(key);
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }))).not.toContain(key);
    await page.context().close();
  });

  it('selects the key for copying by hand where the browser has no clipboard (plain http on a LAN address)', async () => {
    const page = await openTeam();
    // Browsers give navigator.clipboard only to secure origins: an origo served over http by address has none.
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
    const region = keysRegion(page);
    await region.getByLabel('Comment').fill('by hand');
    await region.getByRole('button', { name: 'Create key' }).click();
    const box = region.getByRole('region', { name: /new API key/ });
    await box.waitFor({ timeout: 20_000 });
    const key = await shownKey(box);
    await box.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => box.getByRole('status').textContent()).toContain('press Ctrl+C');
    expect(await page.evaluate(() => window.getSelection()?.toString().trim())).toBe(key);
    await page.context().close();
    const made = (await keysOfFixtureUser()).find((k) => k.comment === 'by hand');
    if (made !== undefined) await asUser('DELETE', `/user/apikeys/${made.id}`);
  });

  it('deletes a key after an in-page confirmation: it stops working and leaves the list', async () => {
    const made = await addKeyThroughApi('old-ci');
    const page = await openTeam();
    const row = keyList(page).getByRole('listitem').filter({ hasText: made.id });
    await row.getByRole('button', { name: 'Delete key old-ci' }).click();
    // Nothing is deleted before the confirmation.
    expect((await asUser('GET', '/user', made.api_key)).status).toBe(200);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Delete key old-ci' }).click();
    await row
      .getByRole('group', { name: /Delete the key “old-ci”/ })
      .getByRole('button', { name: /Delete key/ })
      .click();

    await expect.poll(() => keyList(page).textContent(), { timeout: 20_000 }).not.toContain(made.id);
    expect(await keysRegion(page).getByRole('status').first().textContent()).toBe('Deleted the key “old-ci”.');
    // A key that is no longer valid: 403 with invalid_authentication (rokka's way, see the docs).
    const refused = await asUser('GET', '/user', made.api_key);
    expect(refused.status).toBe(403);
    expect(refused.json.invalid_authentication).toBe(true);
    expect((await keysOfFixtureUser()).map((k) => k.id)).not.toContain(made.id);
    await page.context().close();
  });

  it("refuses to delete this session's own key, with the server's message beside it", async () => {
    const page = await openTeam();
    const id = await fixtureKeyId();
    const row = keyList(page).getByRole('listitem').filter({ hasText: id });
    await row.getByRole('button', { name: /^Delete key/ }).click();
    await row
      .getByRole('group')
      .getByRole('button', { name: /^Delete key/ })
      .click();
    await expect
      .poll(() => row.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('cannot delete itself');
    expect((await asUser('GET', '/user')).status).toBe(200);
    expect((await keysOfFixtureUser()).map((k) => k.id)).toContain(id);
    await page.context().close();
  });

  it("shows the server's message when the user already has as many keys as allowed", async () => {
    const extra: string[] = [];
    try {
      // The documented limit is 5 keys a user.
      for (let n = (await keysOfFixtureUser()).length; n < 5; n += 1)
        extra.push((await addKeyThroughApi(`fill-${n}`)).id);
      const page = await openTeam();
      const region = keysRegion(page);
      await region.getByLabel('Comment').fill('one too many');
      await region.getByRole('button', { name: 'Create key' }).click();
      await expect.poll(() => region.getByRole('alert').textContent(), { timeout: 20_000 }).toContain('at most 5');
      expect(await region.getByRole('region', { name: /new API key/ }).count()).toBe(0);
      const keys = await keysOfFixtureUser();
      expect(keys).toHaveLength(5);
      expect(keys.map((k) => k.comment)).not.toContain('one too many');
      await page.context().close();
    } finally {
      for (const id of extra) await asUser('DELETE', `/user/apikeys/${id}`);
    }
  });

  it('lists the fixture user as an admin of the organization', async () => {
    const page = await openTeam();
    const me = memberList(page)
      .getByRole('listitem')
      .filter({ hasText: `${fx.organization}@example.com` });
    await expect.poll(() => me.count()).toBe(1);
    expect(await me.getByRole('checkbox', { name: 'admin', exact: true }).isChecked()).toBe(true);
    expect(await me.getByRole('checkbox', { name: 'read', exact: true }).isChecked()).toBe(false);
    await page.context().close();
  });

  it('adds a member with a key shown once, changes its roles and removes it', async () => {
    const page = await openTeam();
    const region = membersRegion(page);
    const form = region.getByRole('form', { name: 'Add member' });
    // "read" is chosen to begin with; make sure of it whatever the default.
    await form.getByRole('checkbox', { name: 'read', exact: true }).check();
    await form.getByRole('button', { name: 'Add member' }).click();

    const box = region.getByRole('region', { name: /new member's API key/ });
    await box.waitFor({ timeout: 20_000 });
    const key = await shownKey(box);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const who = await asUser('GET', '/user', key);
    expect(who.status).toBe(200);
    const userId: string = who.json.user_id;
    expect((await membershipsInApi()).find((m) => m.user_id === userId)?.roles).toEqual(['read']);

    await box.getByRole('button', { name: /Done/ }).click();
    await expect.poll(() => box.count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    const row = memberList(page).getByRole('listitem').filter({ hasText: userId });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    await row.getByRole('checkbox', { name: 'write', exact: true }).check();
    await row.getByRole('checkbox', { name: 'read', exact: true }).uncheck();
    await row.getByRole('button', { name: /^Save roles/ }).click();
    await expect.poll(() => row.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Roles saved');
    expect((await membershipsInApi()).find((m) => m.user_id === userId)?.roles).toEqual(['write']);

    await row.getByRole('button', { name: /^Remove/ }).click();
    await row
      .getByRole('group')
      .getByRole('button', { name: /^Remove/ })
      .click();
    await expect.poll(() => memberList(page).textContent(), { timeout: 20_000 }).not.toContain(userId);
    expect(await region.getByRole('status').first().textContent()).toBe(`Removed ${userId}.`);
    expect((await membershipsInApi()).map((m) => m.user_id)).not.toContain(userId);
    await page.context().close();
  });

  it("keeps the last admin: the server's refusal is shown beside the member", async () => {
    const page = await openTeam();
    const me = memberList(page)
      .getByRole('listitem')
      .filter({ hasText: `${fx.organization}@example.com` });
    await me.getByRole('checkbox', { name: 'read', exact: true }).check();
    await me.getByRole('checkbox', { name: 'admin', exact: true }).uncheck();
    await me.getByRole('button', { name: /^Save roles/ }).click();
    await expect
      .poll(() => me.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('at least one active admin');

    await me.getByRole('button', { name: /^Remove/ }).click();
    await me
      .getByRole('group')
      .getByRole('button', { name: /^Remove/ })
      .click();
    await expect
      .poll(() => me.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('at least one active admin');

    const userId = (await asUser('GET', '/user')).json.user_id;
    expect((await membershipsInApi()).find((m) => m.user_id === userId)?.roles).toEqual(['admin']);
    await page.context().close();
  });

  it('tells a member who is not an admin that only admins manage members', async () => {
    const res = await asUser('POST', `/organizations/${fx.organization}/memberships`, fx.apiKey, { roles: ['read'] });
    expect(res.status, res.text).toBe(201);
    const page = await openSignedIn(browser, { ...fx, apiKey: res.json.api_key }, 'team');
    const members = membersRegion(page);
    await expect
      .poll(() => members.textContent(), { timeout: 20_000 })
      .toContain(`Only the admins of ${fx.organization} can see and change its members`);
    expect(await members.getByRole('button').count()).toBe(0);
    // A read-only user may not manage keys either: the server says so, in the keys' section.
    await expect.poll(() => keysRegion(page).getByRole('alert').count(), { timeout: 20_000 }).toBe(1);
    await page.context().close();
    await asUser('DELETE', `/organizations/${fx.organization}/memberships/${res.json.user_id}`);
  });

  it('has no serious or critical accessibility violation, with a new key and a confirmation shown', async () => {
    const page = await openTeam();
    expect(await seriousViolations(page)).toEqual([]);
    const region = keysRegion(page);
    await region.getByLabel('Comment').fill('axe');
    await region.getByRole('button', { name: 'Create key' }).click();
    await region.getByRole('region', { name: /new API key/ }).waitFor({ timeout: 20_000 });
    const row = keyList(page).getByRole('listitem').filter({ hasText: 'axe' });
    await row.getByRole('button', { name: 'Delete key axe' }).click();
    await row.getByRole('group').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole('group').getByRole('button', { name: 'Delete key axe' }).click();
    await expect.poll(() => keyList(page).textContent(), { timeout: 20_000 }).not.toContain('axe');
    await page.context().close();
  });

  it('fits a phone-wide screen without sideways scrolling, with a new key shown', async () => {
    const page = await openTeam({ width: 360, height: 740 });
    const region = keysRegion(page);
    await region.getByLabel('Comment').fill('phone');
    await region.getByRole('button', { name: 'Create key' }).click();
    await region.getByRole('region', { name: /new API key/ }).waitFor({ timeout: 20_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
    const phone = (await keysOfFixtureUser()).find((k) => k.comment === 'phone');
    if (phone !== undefined) await asUser('DELETE', `/user/apikeys/${phone.id}`);
  });
});
