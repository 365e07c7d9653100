// Where a blob of a data folder is, found by its name (sha1-sha256) rather
// than by rebuilding the store's layout. Imports nothing of vitest, so the
// benches use it too.

import { readdirSync } from 'node:fs';
import path from 'node:path';

export function blobPathOf(dataDir: string, binaryHash: string): string {
  const root = path.join(dataDir, 'blobs');
  const rel = readdirSync(root, { recursive: true })
    .map(String)
    .find((p) => path.basename(p).startsWith(`${binaryHash}-`));
  if (!rel) throw new Error(`no blob for ${binaryHash} under ${root}`);
  return path.join(root, rel);
}
