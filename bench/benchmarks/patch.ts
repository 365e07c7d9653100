// patch: PATCH of 10 user-metadata fields on one image against the metadata
// GET of the same image, both on origo in the same run (issue 3's target:
// PATCH req/s >= 0.5 x GET req/s). Every PATCH is a real write: it sets the
// fields, rewrites the typed index rows and commits with synchronous=FULL.

import { compare, medianOf } from '../lib/compare.ts';
import { multipartFrame, smallJpeg } from '../lib/images.ts';
import { AUTH, json, ORG, startOrigo, uploadBuffer } from '../lib/origo.ts';
import { fmt, log, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 0.5;

export async function runPatch(o: BenchOptions): Promise<Row[]> {
  // Default durability (fsync per commit) first, then ORIGO_SQLITE_DURABILITY=normal.
  return [...(await runPatchWith(o, 'full')), ...(await runPatchWith(o, 'normal'))];
}

async function runPatchWith(o: BenchOptions, durability: 'full' | 'normal'): Promise<Row[]> {
  log(`  -- ORIGO_SQLITE_DURABILITY=${durability}`);
  const origo = await startOrigo({ ORIGO_SQLITE_DURABILITY: durability });
  try {
    const up = await uploadBuffer(origo.child.url, multipartFrame('patch.jpg'), await smallJpeg(11));
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
    const hash = json<{ items: { hash: string }[] }>(up).items[0]!.hash;
    const fields: Record<string, unknown> = {
      title: 'Beach at dawn',
      'text:caption': 'Waves rolling onto the sand at first light',
      'int:rank': 42,
      'double:score': 0.87,
      'date:shot': '2024-05-31T06:12:00Z',
      'latlon:place': '47.38,8.54',
      'array:tags': ['beach', 'dawn', 'sea'],
      'array_text:notes': ['golden hour', 'low tide'],
      photographer: 'Ann',
      license: 'CC-BY-4.0',
    };
    const body = Buffer.from(JSON.stringify(fields));
    const url = `${origo.child.url}/sourceimages/${ORG}/${hash}`;
    const load = { headers: AUTH, connections: o.connections.get, engine: o.engine, serverPid: origo.child.pid };
    log(`  ${Object.keys(fields).length} fields, ${body.length} bytes of JSON; ${o.connections.get} connections`);
    const results = await compare(
      { label: 'patch', gc: origo.child.gc, load: { ...load, url: `${url}/meta/user`, method: 'PATCH', body, headers: { ...AUTH, 'content-type': 'application/json' } } },
      { label: 'get', gc: origo.child.gc, load: { ...load, url } },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'req' },
    );
    const patch = medianOf(results.origo, (r) => r.reqPerSec);
    const get = medianOf(results.baseline, (r) => r.reqPerSec);
    const ratio = patch / get;
    log(`  median: PATCH ${fmt(patch)} req/s, GET ${fmt(get)} req/s -> ratio ${fmt(ratio, 2)} (target >= ${TARGET_RATIO})`);
    return [
      {
        bench: `patch (${durability})`,
        metric: `req/s, PATCH of 10 fields vs GET (${o.connections.get} conn, median of ${o.rounds})`,
        origo: `${fmt(patch)} (p50 ${fmt(medianOf(results.origo, (r) => r.latencyMs.p50), 2)} ms)`,
        baseline: `${fmt(get)} GET (p50 ${fmt(medianOf(results.baseline, (r) => r.latencyMs.p50), 2)} ms)`,
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
      },
    ];
  } finally {
    await origo.close();
  }
}
