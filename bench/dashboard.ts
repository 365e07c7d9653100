// Dashboard benchmark: `npm run bench:dashboard [-- --images=N --rounds=N]`
//
// Starts origo (a child process on a fresh temp data folder, no budget of
// uncached renders), fills an organization with N images (10,000 by default;
// the newest 200 are 1600x1200 photo-like JPEGs) and opens the dashboard's
// library in Debian's Chromium, signed in, in a window tall enough to show a
// whole first page. It measures, from the start of the navigation, the time
// to the first loaded thumbnail and to 100 loaded thumbnails:
//  - cold: the render cache has never seen these images;
//  - warm: the same page again in a fresh browser context (no browser cache,
//    the server's render cache warm), the median of the rounds.
// The baseline, in the same run, is a bare HTML page of <img> tags with the
// same render URLs (other, never-rendered hashes for cold): the renders
// alone, without the dashboard's script, its API calls and its layout.
// It also reports the JavaScript and CSS the browser is sent, gzipped.

import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchBrowser, newContext } from '../packages/dashboard/test/browser.ts';
import { seedLibrary } from './lib/dashboard-library.ts';
import { ORG, runCleanups, startOrigo } from './lib/origo.ts';
import { REPO_DIR } from './lib/proc.ts';
import { fmt, log, median, type Row, table } from './lib/report.ts';
import { loadedImageUrls, recordImageLoads, type ThumbnailTimes, timeThumbnails } from './lib/thumbnail-timing.ts';

const FIRST_PAGE = 100;
const PHOTOS = 2 * FIRST_PAGE;
// Tall enough that a whole first page is in view, so lazy loading asks for all of it.
const VIEWPORT = { width: 1280, height: 9000 };

function usage(): never {
  log('usage: node --import tsx bench/dashboard.ts [--images=N (>= 200, default 10000)] [--rounds=N (default 5)]');
  process.exit(2);
}

let images = 10_000;
let rounds = 5;
for (const arg of process.argv.slice(2)) {
  const m = /^--(images|rounds)=(\d+)$/.exec(arg);
  if (!m) usage();
  if (m[1] === 'images') images = Number(m[2]);
  else rounds = Number(m[2]);
}
if (images < PHOTOS || rounds < 1) usage();

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);

/** Opens the library signed in, in a fresh context; the thumbnails' times and the URLs it loaded. */
async function openLibrary(
  browser: Browser,
  dashboardUrl: string,
  apiKey: string,
): Promise<{ times: ThumbnailTimes; urls: string[] }> {
  const context = await newContext(browser, VIEWPORT);
  try {
    const page = await context.newPage();
    await recordImageLoads(page);
    // Sign in on a page without thumbnails, then open the library as a person would.
    await page.goto(`${dashboardUrl}team`);
    await page.getByLabel('Organization').fill(ORG);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(dashboardUrl, { waitUntil: 'commit' });
    const times = await timeThumbnails(page, FIRST_PAGE);
    return { times, urls: (await loadedImageUrls(page)).slice(0, FIRST_PAGE) };
  } finally {
    await context.close();
  }
}

/**
 * A bare page of <img> tags with these URLs, answered by the browser itself at an address of
 * origo's origin (a page of another origin may not load from a loopback address).
 */
async function openBarePage(browser: Browser, origin: string, urls: string[]): Promise<ThumbnailTimes> {
  const context = await newContext(browser, VIEWPORT);
  try {
    const page = await context.newPage();
    await recordImageLoads(page);
    const html = `<!doctype html><meta charset="utf-8"><body>${urls.map((u) => `<img src="${u}" width="240" height="240" alt="">`).join('')}</body>`;
    const address = `${origin}/bench-bare-page.html`;
    await page.route(address, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(address, { waitUntil: 'commit' });
    return await timeThumbnails(page, urls.length);
  } finally {
    await context.close();
  }
}

/** Gzipped bytes of the dashboard's built files with this extension. */
function gzippedBytes(extension: string): number {
  const dir = path.join(REPO_DIR, 'packages/dashboard/dist/assets');
  return readdirSync(dir)
    .filter((f) => f.endsWith(extension))
    .reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);
}

function timeRow(metric: string, origoMs: number, bareMs: number): Row {
  return {
    bench: 'dashboard',
    metric,
    origo: `${fmt(origoMs)} ms`,
    baseline: `${fmt(bareMs)} ms`,
    ratio: `${fmt(origoMs / bareMs, 2)}×`,
    target: 'reported',
    met: true,
  };
}

log(`origo dashboard benchmark, ${new Date().toISOString()}`);
log(
  `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; ${images} images, ${rounds} warm rounds, viewport ${VIEWPORT.width}x${VIEWPORT.height}`,
);

const origo = await startOrigo({ ORIGO_RENDERS_PER_MINUTE: '0' });
const browser = await launchBrowser();
try {
  const library = await seedLibrary(origo.child.url, images, PHOTOS);
  const dashboardUrl = `${origo.child.url}/dashboard/`;

  const cold = await openLibrary(browser, dashboardUrl, library.apiKey);
  // The same URLs for the next page's photos, which nothing has rendered yet.
  const firstPage = library.photoHashes.slice(0, FIRST_PAGE);
  const coldBareUrls = cold.urls.map((url) => {
    const index = firstPage.findIndex((hash) => url.includes(hash));
    if (index < 0) throw new Error(`a thumbnail of an image not on the first page: ${url}`);
    return url.replace(firstPage[index]!, library.photoHashes[FIRST_PAGE + index]!);
  });
  const coldBare = await openBarePage(browser, origo.child.url, coldBareUrls);
  log(`  cold: dashboard first ${fmt(cold.times.firstMs)} ms, ${FIRST_PAGE} in ${fmt(cold.times.allMs)} ms;`);
  log(`        bare page first ${fmt(coldBare.firstMs)} ms, ${FIRST_PAGE} in ${fmt(coldBare.allMs)} ms`);

  const warm: ThumbnailTimes[] = [];
  const warmBare: ThumbnailTimes[] = [];
  for (let round = 1; round <= rounds; round++) {
    warm.push((await openLibrary(browser, dashboardUrl, library.apiKey)).times);
    warmBare.push(await openBarePage(browser, origo.child.url, cold.urls));
    log(
      `  warm round ${round}: dashboard first ${fmt(warm.at(-1)!.firstMs)} ms, ${FIRST_PAGE} in ${fmt(warm.at(-1)!.allMs)} ms; ` +
        `bare page first ${fmt(warmBare.at(-1)!.firstMs)} ms, ${FIRST_PAGE} in ${fmt(warmBare.at(-1)!.allMs)} ms`,
    );
  }

  const js = gzippedBytes('.js');
  const css = gzippedBytes('.css');
  const rows: Row[] = [
    timeRow(`first thumbnail, cold render cache (${images} images)`, cold.times.firstMs, coldBare.firstMs),
    timeRow(`${FIRST_PAGE} thumbnails, cold render cache`, cold.times.allMs, coldBare.allMs),
    timeRow(
      `first thumbnail, warm (median of ${rounds})`,
      median(warm.map((t) => t.firstMs)),
      median(warmBare.map((t) => t.firstMs)),
    ),
    timeRow(
      `${FIRST_PAGE} thumbnails, warm (median of ${rounds})`,
      median(warm.map((t) => t.allMs)),
      median(warmBare.map((t) => t.allMs)),
    ),
    {
      bench: 'dashboard',
      metric: 'shipped to the browser, gzipped (level 9)',
      origo: `JS ${fmt(js / 1024, 1)} KB, CSS ${fmt(css / 1024, 1)} KB`,
      baseline: '-',
      ratio: '-',
      target: 'reported',
      met: true,
    },
  ];
  log('');
  log(`== summary: npm run bench:dashboard ${process.argv.slice(2).join(' ')}`);
  log(table(rows));
} finally {
  await browser.close();
  await origo.close();
}
