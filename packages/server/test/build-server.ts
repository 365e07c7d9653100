// Vitest global setup: the tests that start origo as a process run the
// compiled server in dist/, as users do, so a fresh clone or an edited src/
// is compiled once before any test starts (in-process tests import src/).

import { ensureBuilt } from '../build.js';

export default async function setup(): Promise<void> {
  await ensureBuilt();
}
