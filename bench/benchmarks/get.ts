// get: metadata GET /sourceimages/{org}/{hash} on origo against a bare
// Fastify route answering the same SourceImage JSON from memory; and
// (runGetOnPostgres, bench/get-postgres.ts) origo on a PostgreSQL catalog
// against origo on SQLite, the same GET in the same run.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { compare, medianOf, noise } from '../lib/compare.ts';
import { multipartFrame, smallJpeg } from '../lib/images.ts';
import { AUTH, json, ORG, request, startOrigo, tempDir, uploadBuffer } from '../lib/origo.ts';
import { startChild } from '../lib/proc.ts';
import { fmt, log, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_RATIO = 0.8;

export async function runGet(o: BenchOptions): Promise<Row[]> {
  const origo = await startOrigo();
  const work = tempDir('origo-bench-get-');
  let baseline: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const up = await uploadBuffer(origo.child.url, multipartFrame('bench.jpg'), await smallJpeg(7));
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
    const hash = json<{ items: { hash: string }[] }>(up).items[0]!.hash;
    const pathname = `/sourceimages/${ORG}/${hash}`;
    const got = await request(origo.child.url, 'GET', pathname, { headers: AUTH });
    if (got.status !== 200) throw new Error(`GET ${pathname}: ${got.status} ${got.body.toString()}`);

    const bodyFile = path.join(work, 'sourceimage.json');
    writeFileSync(bodyFile, got.body);
    baseline = await startChild('baseline-fastify', 'baseline-fastify.ts', { BENCH_BODY_FILE: bodyFile });
    const check = await request(baseline.url, 'GET', pathname, { headers: AUTH });
    if (check.status !== 200 || !isDeepStrictEqual(json(check), json(got)))
      throw new Error('the baseline does not answer the same JSON');
    log(
      `  body: ${got.body.length} bytes of JSON; origo content-type ${got.headers['content-type']}, baseline ${check.headers['content-type']}`,
    );
    log(`  ${o.connections.get} connections, engine ${o.engine}`);

    const load = { headers: AUTH, connections: o.connections.get, engine: o.engine };
    const results = await compare(
      {
        label: 'origo',
        gc: origo.child.gc,
        load: { ...load, url: origo.child.url + pathname, serverPid: origo.child.pid },
      },
      { label: 'baseline', gc: baseline.gc, load: { ...load, url: baseline.url + pathname, serverPid: baseline.pid } },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'req' },
    );
    const a = medianOf(results.origo, (r) => r.reqPerSec);
    const b = medianOf(results.baseline, (r) => r.reqPerSec);
    const ratio = a / b;
    const p50a = medianOf(results.origo, (r) => r.latencyMs.p50);
    const p50b = medianOf(results.baseline, (r) => r.latencyMs.p50);
    const cpuA = medianOf(results.origo, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    const cpuB = medianOf(results.baseline, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    log(
      `  median: origo ${fmt(a)} req/s, baseline ${fmt(b)} req/s -> ratio ${fmt(ratio, 2)} (target >= ${TARGET_RATIO})`,
    );
    log(
      `  server CPU per request: origo ${fmt(cpuA, 1)} µs, baseline ${fmt(cpuB, 1)} µs -> baseline/origo ${fmt(cpuB / cpuA, 2)}`,
    );
    return [
      {
        bench: 'get',
        metric: `req/s (${o.connections.get} conn, median of ${o.rounds})`,
        origo: `${fmt(a)} (p50 ${fmt(p50a, 2)} ms)`,
        baseline: `${fmt(b)} (p50 ${fmt(p50b, 2)} ms)`,
        ratio: fmt(ratio, 2),
        target: `>= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO,
        notes: `server CPU per request: origo ${fmt(cpuA, 1)} µs, baseline ${fmt(cpuB, 1)} µs (CPU-based ratio ${fmt(cpuB / cpuA, 2)}); ${noise(results)}`,
      },
    ];
  } finally {
    await baseline?.stop();
    await origo.close();
  }
}

/** JSON of a source image, less what differs between two servers that stored the same bytes. */
function comparable(res: Awaited<ReturnType<typeof request>>): unknown {
  const { created: _created, ...rest } = json<Record<string, unknown>>(res);
  return rest;
}

/**
 * The same GET on origo with its catalog on PostgreSQL (`databaseUrl`, an
 * empty database) and on origo with SQLite, in alternating rounds: the
 * ratio is PostgreSQL's req/s over SQLite's. Both keep their blobs in
 * files. PostgreSQL has no read cache (several nodes may write it), so
 * each GET is a query there; the PostgreSQL server shares the two cores.
 */
export async function runGetOnPostgres(o: BenchOptions, databaseUrl: string): Promise<Row[]> {
  const onSqlite = await startOrigo();
  let onPostgres: Awaited<ReturnType<typeof startOrigo>> | undefined;
  try {
    onPostgres = await startOrigo({ ORIGO_DATABASE_URL: databaseUrl });
    const bytes = await smallJpeg(7);
    const bodies = [];
    let pathname = '';
    for (const origo of [onSqlite, onPostgres]) {
      const up = await uploadBuffer(origo.child.url, multipartFrame('bench.jpg'), bytes);
      if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.body.toString()}`);
      pathname = `/sourceimages/${ORG}/${json<{ items: { hash: string }[] }>(up).items[0]!.hash}`;
      const got = await request(origo.child.url, 'GET', pathname, { headers: AUTH });
      if (got.status !== 200) throw new Error(`GET ${pathname}: ${got.status} ${got.body.toString()}`);
      bodies.push(comparable(got));
    }
    if (!isDeepStrictEqual(bodies[0], bodies[1]))
      throw new Error('origo on PostgreSQL and on SQLite do not answer the same JSON');
    log(`  ${o.connections.get} connections, engine ${o.engine}`);

    const load = { headers: AUTH, connections: o.connections.get, engine: o.engine };
    const results = await compare(
      {
        label: 'postgres',
        gc: onPostgres.child.gc,
        load: { ...load, url: onPostgres.child.url + pathname, serverPid: onPostgres.child.pid },
      },
      {
        label: 'sqlite',
        gc: onSqlite.child.gc,
        load: { ...load, url: onSqlite.child.url + pathname, serverPid: onSqlite.child.pid },
      },
      { rounds: o.rounds, durationMs: o.durationMs, warmupMs: o.warmupMs, unit: 'req' },
    );
    const a = medianOf(results.origo, (r) => r.reqPerSec);
    const b = medianOf(results.baseline, (r) => r.reqPerSec);
    const ratio = a / b;
    const p50a = medianOf(results.origo, (r) => r.latencyMs.p50);
    const p50b = medianOf(results.baseline, (r) => r.latencyMs.p50);
    const cpuA = medianOf(results.origo, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    const cpuB = medianOf(results.baseline, (r) => r.serverCpuUsPerReq ?? Number.NaN);
    log(
      `  median: PostgreSQL ${fmt(a)} req/s, SQLite ${fmt(b)} req/s -> PG/SQLite ${fmt(ratio, 2)}; p50 ${fmt(p50a, 2)} vs ${fmt(p50b, 2)} ms`,
    );
    log(
      `  origo CPU per request: on PostgreSQL ${fmt(cpuA, 1)} µs, on SQLite ${fmt(cpuB, 1)} µs (the PostgreSQL server's own CPU not counted)`,
    );
    return [
      {
        bench: 'get on postgres',
        metric: `req/s (${o.connections.get} conn, median of ${o.rounds}), PostgreSQL catalog vs SQLite`,
        origo: `${fmt(a)} (p50 ${fmt(p50a, 2)} ms)`,
        baseline: `${fmt(b)} SQLite (p50 ${fmt(p50b, 2)} ms)`,
        ratio: fmt(ratio, 2),
        // No target is set for this ratio; it is reported.
        target: '-',
        met: true,
        notes: `origo CPU per request: on PostgreSQL ${fmt(cpuA, 1)} µs, on SQLite ${fmt(cpuB, 1)} µs; ${noise(results)}`,
      },
    ];
  } finally {
    await onPostgres?.close();
    await onSqlite.close();
  }
}
