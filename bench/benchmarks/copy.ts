// copy: copying a 50 MiB image to another organization against uploading it
// (issue 5's target: copy time < 5 % of upload time). A copy shares the
// stored blob, so it should cost a few catalog rows, whatever the size.

import { multipartFrame, noiseJpeg, withComment } from '../lib/images.ts';
import { AUTH, json, ORG, request, startOrigo, uploadBuffer } from '../lib/origo.ts';
import { fmt, log, MiB, median, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 0.05;
const ROUNDS = 5;

export async function runCopy(_o: BenchOptions): Promise<Row[]> {
  const origo = await startOrigo();
  try {
    const base = await noiseJpeg(50 * MiB);
    const uploads: number[] = [];
    const copies: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bytes = withComment(base, `copy bench ${i}`);
      let t0 = performance.now();
      const up = await uploadBuffer(origo.child.url, multipartFrame(`big-${i}.jpg`), bytes);
      uploads.push(performance.now() - t0);
      if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
      const hash = json<{ items: { hash: string }[] }>(up).items[0]!.hash;

      const dest = `copy-dest-${i}`;
      const org = await request(origo.child.url, 'PUT', `/organizations/${dest}`, {
        headers: AUTH,
        body: Buffer.from('{}'),
      });
      if (org.status !== 200) throw new Error(`org: ${org.status}`);
      t0 = performance.now();
      const copy = await request(origo.child.url, 'POST', `/sourceimages/${ORG}/${hash}/copy`, {
        headers: { ...AUTH, destination: dest },
      });
      copies.push(performance.now() - t0);
      if (copy.status !== 201) throw new Error(`copy: ${copy.status} ${copy.body.toString()}`);
      log(`  ${fmt(bytes.length / MiB, 1)} MiB: upload ${fmt(uploads[i]!, 1)} ms, copy ${fmt(copies[i]!, 2)} ms`);
    }
    const up = median(uploads);
    const cp = median(copies);
    const ratio = cp / up;
    log(
      `  median: upload ${fmt(up, 1)} ms, copy ${fmt(cp, 2)} ms -> ratio ${fmt(ratio, 4)} (target < ${TARGET_RATIO})`,
    );
    return [
      {
        bench: 'copy',
        metric: `ms, copy of a 50 MiB image vs its upload (median of ${ROUNDS})`,
        origo: `${fmt(cp, 2)} copy`,
        baseline: `${fmt(up, 1)} upload`,
        ratio: fmt(ratio, 4),
        target: `< ${TARGET_RATIO}`,
        met: ratio < TARGET_RATIO,
      },
    ];
  } finally {
    await origo.close();
  }
}
