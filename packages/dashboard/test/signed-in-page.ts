// Shared steps of the dashboard's browser tests: a page already signed in,
// and images stored through the API (made here, never read from the spec).

import type { Browser, Page } from 'playwright-core';
import { uniquePng, upload } from '../../server/test/helpers.ts';
import { newContext } from './browser.ts';
import type { DashboardFixture } from './dashboard-fixture.ts';

/**
 * A fresh browser context signed in to the fixture's organization, showing the dashboard `path`
 * ('' is the library, 'images/<hash>', 'stacks', 'team').
 */
export async function openSignedIn(
  browser: Browser,
  fx: DashboardFixture,
  path = '',
  viewport?: { width: number; height: number },
): Promise<Page> {
  const page = await (await newContext(browser, viewport)).newPage();
  await page.goto(fx.url);
  await page.getByLabel('Organization').fill(fx.organization);
  await page.getByLabel('API key').fill(fx.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  // The session lives in this tab's sessionStorage, so a navigation keeps it.
  if (path !== '') await page.goto(fx.url + path);
  return page;
}

export interface StoredImage {
  hash: string;
  short_hash: string;
  binary_hash: string;
  name: string;
  width: number;
  height: number;
  [field: string]: unknown;
}

/**
 * Stores a PNG made from `seed` (different seeds, different bytes) under `name`, with user
 * metadata in rokka's form fields (`meta_user[0]` as JSON) when given.
 */
export async function storeImage(
  fx: DashboardFixture,
  options: { seed: number; name?: string; width?: number; height?: number; metaUser?: Record<string, unknown> },
): Promise<StoredImage> {
  const bytes = await uniquePng(options.seed, options.width ?? 200, options.height ?? 100);
  const fields: Record<string, string> = options.metaUser ? { 'meta_user[0]': JSON.stringify(options.metaUser) } : {};
  const res = await upload(
    fx.server,
    fx.organization,
    [{ name: options.name ?? `image-${options.seed}.png`, bytes }],
    fields,
  );
  if (res.status !== 200) throw new Error(`storing image ${options.seed}: ${res.status} ${res.text}`);
  return res.json.items[0] as StoredImage;
}
