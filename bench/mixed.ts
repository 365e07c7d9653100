// Mixed load: GETs of some images while PATCHes change others, on one origo.
// Shows what a write costs the reads of other images (the read cache keeps
// them, since it drops only the images a write changed). Informational, no
// target: `node --import tsx bench/mixed.ts [--duration=SECONDS]`.

import { multipartFrame, smallJpeg } from './lib/images.ts';
import { runLoad } from './lib/load.ts';
import { AUTH, json, ORG, runCleanups, startOrigo, uploadBuffer } from './lib/origo.ts';
import { fmt, log } from './lib/report.ts';

const durationArg = process.argv.find((a) => a.startsWith('--duration='));
const durationMs = durationArg ? Number(durationArg.split('=')[1]) * 1000 : 8000;
const origo = await startOrigo();
try {
  const hashes: string[] = [];
  for (let i = 0; i < 128; i++) {
    const up = await uploadBuffer(origo.child.url, multipartFrame(`mixed-${i}.jpg`), await smallJpeg(i));
    if (up.status !== 200) throw new Error(`upload: ${up.status}`);
    hashes.push(json<{ items: { hash: string }[] }>(up).items[0]!.hash);
  }
  const path = (hash: string) => `/sourceimages/${ORG}/${hash}`;
  const gets = hashes.slice(0, 64).map((hash) => ({ path: path(hash) }));
  const bodies = [0, 1].map((v) => Buffer.from(JSON.stringify({ title: `t${v}`, 'int:rank': v })));
  const patches = bodies.flatMap((body) => hashes.slice(64).map((hash) => ({ path: `${path(hash)}/meta/user`, body })));
  const base = { url: origo.child.url, engine: 'raw' as const, durationMs };
  const getLoad = () => runLoad({ ...base, connections: 24, headers: AUTH, variants: gets });
  const patchLoad = () =>
    runLoad({
      ...base,
      connections: 4,
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json' },
      variants: patches,
    });

  await getLoad(); // warm-up
  const alone = await getLoad();
  const [mixedGet, mixedPatch] = await Promise.all([getLoad(), patchLoad()]);
  for (const r of [alone, mixedGet, mixedPatch]) {
    const bad = Object.keys(r.statuses).filter((s) => s !== '200' && s !== '204');
    if (bad.length > 0 || r.errors > 0)
      throw new Error(`unexpected answers: ${JSON.stringify(r.statuses)}, ${r.errors} errors`);
  }
  log(`GET alone: ${fmt(alone.reqPerSec)} req/s (p50 ${fmt(alone.latencyMs.p50, 2)} ms)`);
  log(
    `GET beside PATCHes of other images: ${fmt(mixedGet.reqPerSec)} req/s (p50 ${fmt(mixedGet.latencyMs.p50, 2)} ms), while ${fmt(mixedPatch.reqPerSec)} PATCH/s`,
  );
  log(`GET rate kept: ${fmt(mixedGet.reqPerSec / alone.reqPerSec, 2)}`);
} finally {
  await origo.close();
  runCleanups();
}
