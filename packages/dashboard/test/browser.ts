// Debian's Chromium driven by playwright-core, for the dashboard's end-to-end
// tests. Without Chromium the tests are skipped, unless ORIGO_REQUIRE_BROWSER=1
// (as .ci/run sets, after installing it): then its absence fails the run.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['ORIGO_CHROMIUM'] ?? '/usr/bin/chromium';

/** Whether the browser tests run here; false means skip them. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env['ORIGO_REQUIRE_BROWSER'] === '1') {
    throw new Error(`ORIGO_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  }
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // This machine has no outside network: Chromium's own background calls would only fail slowly.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context (its own storage). It bypasses the page's content security policy only so that
 * the accessibility checker can be injected; the dashboard itself runs under the policy.
 */
export function newContext(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return browser.newContext({ bypassCSP: true, viewport });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The serious and critical accessibility violations axe-core finds on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
