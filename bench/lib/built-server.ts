// The compiled server in packages/server/dist/, which the benchmarks run (it
// is what `npm start` runs): compiled first when missing or older than src/.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR, ensureBuilt } from '../../packages/server/build.js';

/** `packages/server/dist/<file>`, built first if stale. */
export async function builtServerFile(file: string): Promise<string> {
  await ensureBuilt();
  return path.join(DIST_DIR, file);
}

/** Imports `packages/server/dist/<file>` (built first if stale); `M` is the type of its source module. */
export async function importBuiltServer<M>(file: string): Promise<M> {
  return (await import(pathToFileURL(await builtServerFile(file)).href)) as M;
}
