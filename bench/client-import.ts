// `origo import` of 1,000 images between two local origo nodes: images per
// second of a full copy (download, sha1 check, upload with metadata, hash
// check) at the default concurrency, and of a re-run that finds every image
// already there. Both nodes are child processes as users run them; the
// import runs in this process through the same functions the command calls.
//
//   npm run bench:client      (after client-upload.ts)

import { OrigoClient } from '../packages/client/src/client.ts';
import {
  DEFAULT_CONCURRENCY,
  endpointFromClient,
  importFromServer,
  type MoveSummary,
} from '../packages/client/src/move/index.ts';
import { eachConcurrently } from '../packages/client/src/move/pool.ts';
import { createOrganization, FILES, smallJpegs } from './client-upload.ts';
import { ORG, ROOT_KEY, startOrigo } from './lib/origo.ts';
import { fmt, type Row } from './lib/report.ts';

async function* each<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

export async function benchImport(): Promise<Row[]> {
  const [source, target] = await Promise.all([
    startOrigo({ ORIGO_LOG_LEVEL: 'warn' }),
    startOrigo({ ORIGO_LOG_LEVEL: 'warn' }),
  ]);
  try {
    const seed = new OrigoClient({ url: source.child.url, apiKey: ROOT_KEY });
    const images = await smallJpegs(FILES);
    await eachConcurrently(each([...images.entries()]), 8, async ([i, bytes]) => {
      await seed.createSourceImage(ORG, `image-${i}.jpg`, bytes, {
        metaUser: { category: i % 2 === 0 ? 'even' : 'odd', 'int:n': i },
        ...(i % 10 === 0 && { metaDynamic: { subject_area: { x: 1, y: 1, width: 10, height: 10 } } }),
      });
    });
    await createOrganization(target.child.url, 'copy');
    const run = () =>
      importFromServer({
        source: endpointFromClient(seed),
        sourceOrg: ORG,
        target: endpointFromClient(new OrigoClient({ url: target.child.url, apiKey: ROOT_KEY })),
        targetOrg: 'copy',
        concurrency: DEFAULT_CONCURRENCY,
      });
    const first = await run();
    check(first, FILES, 0);
    const again = await run();
    check(again, 0, FILES);
    const rate = (s: MoveSummary) => FILES / (s.elapsedMs / 1000);
    const row = (metric: string, s: MoveSummary, notes: string): Row => ({
      bench: 'client-import',
      metric,
      origo: `${fmt(rate(s))} images/s`,
      baseline: '-',
      ratio: '-',
      target: 'reported',
      met: true,
      notes,
    });
    return [
      row(
        `import of ${FILES} images between two local nodes, concurrency ${DEFAULT_CONCURRENCY}`,
        first,
        `${fmt(first.elapsedMs)} ms`,
      ),
      row(`re-run of the same import (all skipped)`, again, `${fmt(again.elapsedMs)} ms`),
    ];
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

function check(summary: MoveSummary, copied: number, skipped: number): void {
  if (summary.failed.length > 0 || summary.copied !== copied || summary.skipped !== skipped) {
    throw new Error(
      `import: expected ${copied} copied and ${skipped} skipped, got ${JSON.stringify(summary).slice(0, 2000)}`,
    );
  }
}
