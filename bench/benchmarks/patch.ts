// patch: server CPU per PATCH of 10 user-metadata fields against the floor of
// the same SQLite writes done in process with prepared statements, no HTTP
// (lib/patch-floor.ts; issue 11's target: floor / PATCH >= 0.8). CPU per
// request, not req/s: the floor is a CPU figure (it runs in this process),
// and on this shared 2-core machine CPU per request is the steadier of the
// two. The metadata GET of the same images runs beside it, as context (issue
// 3 compared PATCH req/s with GET req/s).
// Requests cycle over IMAGES images; each image is sent body A, then B, then
// A... so every PATCH changes the value of all 10 fields: a real write of the
// JSON and of the typed index rows, committed with the configured durability.

import { compare, medianOf, noise } from '../lib/compare.ts';
import { multipartFrame, smallJpeg } from '../lib/images.ts';
import { AUTH, json, ORG, startOrigo, uploadBuffer } from '../lib/origo.ts';
import { patchFloorUs } from '../lib/patch-floor.ts';
import { fmt, log, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 0.8;
const IMAGES = 64;

/** Ten fields, every value different between variant 0 and 1. */
function fields(variant: 0 | 1): Record<string, unknown> {
  const v = variant === 0;
  return {
    title: v ? 'Beach at dawn' : 'Beach at dusk',
    'text:caption': `Waves rolling onto the sand at ${v ? 'first' : 'last'} light`,
    'int:rank': v ? 42 : 43,
    'double:score': v ? 0.87 : 0.91,
    'date:shot': v ? '2024-05-31T06:12:00Z' : '2024-05-31T20:47:00Z',
    'latlon:place': v ? '47.38,8.54' : '47.37,8.55',
    'array:tags': ['beach', v ? 'dawn' : 'dusk', 'sea'],
    'array_text:notes': ['golden hour', v ? 'low tide' : 'high tide'],
    photographer: v ? 'Ann' : 'Ben',
    license: v ? 'CC-BY-4.0' : 'CC-BY-SA-4.0',
  };
}

export async function runPatch(o: BenchOptions): Promise<Row[]> {
  // Default durability (fsync per commit) first, then ORIGO_SQLITE_DURABILITY=normal.
  return [...(await runPatchWith(o, 'full')), ...(await runPatchWith(o, 'normal'))];
}

async function runPatchWith(o: BenchOptions, durability: 'full' | 'normal'): Promise<Row[]> {
  log(`  -- ORIGO_SQLITE_DURABILITY=${durability}`);
  const origo = await startOrigo({ ORIGO_SQLITE_DURABILITY: durability });
  try {
    const hashes: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const up = await uploadBuffer(origo.child.url, multipartFrame(`patch-${i}.jpg`), await smallJpeg(100 + i));
      if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
      hashes.push(json<{ items: { hash: string }[] }>(up).items[0]!.hash);
    }
    const bodies = [Buffer.from(JSON.stringify(fields(0))), Buffer.from(JSON.stringify(fields(1)))];
    const path = (hash: string) => `/sourceimages/${ORG}/${hash}`;
    // Variant n: image n mod IMAGES, body (n div IMAGES) mod 2.
    const patches = bodies.flatMap((body) => hashes.map((hash) => ({ path: `${path(hash)}/meta/user`, body })));
    const gets = hashes.map((hash) => ({ path: path(hash) }));
    const url = origo.child.url;
    const load = { url, headers: AUTH, connections: o.connections.get, engine: o.engine, serverPid: origo.child.pid };
    log(`  10 fields, ${bodies[0]!.length} bytes of JSON, over ${IMAGES} images; ${o.connections.get} connections`);
    const results = await compare(
      {
        label: 'patch',
        gc: origo.child.gc,
        load: { ...load, method: 'PATCH', variants: patches, headers: { ...AUTH, 'content-type': 'application/json' } },
      },
      { label: 'get', gc: origo.child.gc, load: { ...load, variants: gets } },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'req' },
    );
    const patch = medianOf(results.origo, (r) => r.reqPerSec);
    const get = medianOf(results.baseline, (r) => r.reqPerSec);
    const getUs = medianOf(results.baseline, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    const patchUs = medianOf(results.origo, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    const floorUs = await patchFloorUs(durability, IMAGES, [fields(0), fields(1)]);
    const ratio = floorUs / patchUs;
    log(`  median: PATCH ${fmt(patch)} req/s, GET ${fmt(get)} req/s (PATCH/GET ${fmt(patch / get, 2)}, context)`);
    log(
      `  server CPU per request: PATCH ${fmt(patchUs, 1)} µs, GET ${fmt(getUs, 1)} µs; floor (raw SQLite statements + metadata code, batches of 32, no HTTP) ${fmt(floorUs, 1)} µs` +
        ` -> floor/PATCH ${fmt(ratio, 2)} (target >= ${TARGET_RATIO}: a PATCH of at most ${fmt(floorUs / TARGET_RATIO, 1)} µs)`,
    );
    return [
      {
        bench: `patch (${durability})`,
        metric: `server CPU µs per PATCH of 10 fields (${o.connections.get} conn, median of ${o.rounds})`,
        origo: `${fmt(patchUs, 1)} (${fmt(patch)} req/s, p50 ${fmt(
          medianOf(results.origo, (r) => r.latencyMs.p50),
          2,
        )} ms)`,
        baseline: `${fmt(floorUs, 1)} (SQLite floor)`,
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        notes:
          `context: GET of the same images ${fmt(getUs, 1)} µs, ${fmt(get)} req/s (p50 ${fmt(
            medianOf(results.baseline, (r) => r.latencyMs.p50),
            2,
          )} ms); ` + `PATCH/GET req/s ${fmt(patch / get, 2)}; ${noise(results)}`,
      },
    ];
  } finally {
    await origo.close();
  }
}
