// Takes the screenshots of the dashboard in docs/screenshots/: the library,
// an image page and the stack editor, on a fresh embedded origo filled with
// a dozen drawn landscapes. Needs Chromium (apt-get install chromium).
//
//   npm run docs:screenshots

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../packages/dashboard/test/browser.ts';
import { startDashboardFixture } from '../packages/dashboard/test/dashboard-fixture.ts';
import { openSignedIn } from '../packages/dashboard/test/signed-in-page.ts';
import { api, form } from '../packages/server/test/helpers.ts';
import { SCENES, sceneJpeg } from './screenshots/scenes.ts';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../docs/screenshots');
const VIEWPORT = { width: 1280, height: 800 };

/** Waits until every image in <main> has loaded (or failed), so the picture shows what a person sees. */
async function imagesSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const images = [...document.querySelectorAll('main img')] as HTMLImageElement[];
      return images.length > 0 && images.every((img) => img.complete);
    },
    undefined,
    { timeout: 60_000 },
  );
}

mkdirSync(OUT, { recursive: true });
const fx = await startDashboardFixture('studio');
const browser = await launchBrowser();
try {
  const hashes: string[] = [];
  for (const [index, scene] of SCENES.entries()) {
    const bytes = await sceneJpeg(scene, index);
    const res = await api(fx.server, 'POST', `/sourceimages/${fx.organization}`, {
      headers: { 'api-key': fx.apiKey },
      body: form([{ name: scene.name, bytes, type: 'image/jpeg' }], {
        'meta_user[0]': JSON.stringify({ title: scene.title, 'array:tags': scene.tags }),
      }),
    });
    if (res.status !== 200) throw new Error(`storing ${scene.name}: ${res.status} ${res.text}`);
    hashes.push(res.json.items[0].hash);
  }
  const stack = await api(fx.server, 'PUT', `/stacks/${fx.organization}/teaser`, {
    headers: { 'api-key': fx.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      operations: [
        { name: 'resize', options: { width: 800, height: 450, mode: 'fill' } },
        { name: 'crop', options: { width: 800, height: 450 } },
        { name: 'modulate', options: { saturation: 120 } },
      ],
      options: { 'jpg.quality': 80 },
    }),
  });
  if (stack.status !== 200 && stack.status !== 201)
    throw new Error(`creating the stack: ${stack.status} ${stack.text}`);

  const shots: [string, string][] = [
    ['library.png', ''],
    ['image-page.png', `images/${hashes[0]}`],
    ['stack-editor.png', 'stacks/teaser'],
  ];
  for (const [file, dashboardPath] of shots) {
    const page = await openSignedIn(browser, fx, dashboardPath, VIEWPORT);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('heading', { level: 1 }).waitFor();
    await imagesSettled(page);
    await page.screenshot({ path: path.join(OUT, file) });
    process.stdout.write(`wrote docs/screenshots/${file}\n`);
    await page.context().close();
  }
} finally {
  await browser.close();
  await fx.server.close();
}
