// Search benchmark (issue 4): two organizations of 1 000 000 images each,
// seeded through the Catalog interface, then GET /sourceimages/{org}
// searches timed through the whole app (in-process app.inject: routing,
// auth, parsing, SQL, serialization; no sockets).
//
//   npm run bench:search                     (ORIGO_BENCH_SEARCH_IMAGES=100000 for a quick run)
//   npm run bench:search -- --postgres       the same on a throwaway PostgreSQL (installed when
//                                            missing, started on loopback, removed at the end)
//   npm run bench:search -- --database-url=postgres://user:pass@host:5432/db
//                                            the same on an existing, empty PostgreSQL database
//
// On SQLite the seeded catalog is kept in os.tmpdir()/origo-bench-search-v<N>-<images>
// and reused while its marker file matches; delete the folder to reseed.
// With --database-url the seeded database is reused the same way (the marker
// lives in a folder named after the URL); a throwaway PostgreSQL is seeded
// every time. After seeding PostgreSQL the bench runs VACUUM ANALYZE, as
// autovacuum would after a bulk load: the planner needs the statistics and
// index-only scans need the visibility map.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { buildApp } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { encodeCursor } from '../packages/server/src/http/search-cursor.ts';
import { parseListingQuery } from '../packages/server/src/http/search-query-params.ts';
import { keyDigest } from '../packages/server/src/service/auth.ts';
import { closeStorage, openStorage } from '../packages/server/src/storage/index.ts';
import { ensureServerPackages } from '../scripts/scale-out/install.ts';
import { startPostgres } from '../scripts/scale-out/postgres.ts';
import { type Importer, postgresImporter } from './lib/postgres-seed.ts';
import { seedOrganization } from './lib/search-seed.ts';

const SEED_VERSION = 2;
const IMAGES = Number(process.env['ORIGO_BENCH_SEARCH_IMAGES'] ?? 1_000_000);
const BATCH = 5000;
const KEY = 'bench-search-root-key-0123456789';
const ORG = 'bench';
const OTHER = 'bench-other';

interface Timing {
  label: string;
  query: string;
  p50: number;
  p95: number;
  runs: number;
  total?: number;
  note?: string;
}

interface Marker {
  version: number;
  images: number;
  seedSeconds: number;
  alone: Timing[];
  /** Load average (1 min) while measuring alone. */
  aloneLoad?: number;
}

type App = Awaited<ReturnType<typeof buildApp>>;

async function get(
  app: App,
  org: string,
  query: string,
): Promise<{ total: number; items: unknown[]; cursor?: string; links: Record<string, unknown>; facets?: unknown }> {
  const res = await app.inject({
    method: 'GET',
    url: `/sourceimages/${org}${query ? `?${query}` : ''}`,
    headers: { 'api-key': KEY },
  });
  if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
  return res.json();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function time(app: App, label: string, query: string, runs: number, org = ORG): Promise<Timing> {
  for (let i = 0; i < Math.min(5, runs); i++) await get(app, org, query);
  const samples: number[] = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const body = await get(app, org, query);
    samples.push(performance.now() - t0);
    total = body.total;
  }
  samples.sort((a, b) => a - b);
  const timing = { label, query, p50: percentile(samples, 50), p95: percentile(samples, 95), runs, total };
  process.stderr.write(
    `  ${label}: p50 ${timing.p50.toFixed(2)} ms, p95 ${timing.p95.toFixed(2)} ms, total ${total}\n`,
  );
  return timing;
}

/** Times queries in alternation, so both see the same conditions (caches, GC, other load). */
async function interleaved(
  app: App,
  queries: { label: string; query: string }[],
  runs: number,
  org = ORG,
): Promise<Timing[]> {
  for (let i = 0; i < 5; i++) for (const q of queries) await get(app, org, q.query);
  const samples = queries.map(() => [] as number[]);
  const totals = queries.map(() => 0);
  for (let i = 0; i < runs; i++) {
    for (const [n, q] of queries.entries()) {
      const t0 = performance.now();
      const body = await get(app, org, q.query);
      samples[n]!.push(performance.now() - t0);
      totals[n] = body.total;
    }
  }
  return queries.map((q, n) => {
    const sorted = samples[n]!.sort((a, b) => a - b);
    const timing = {
      label: q.label,
      query: q.query,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      runs,
      total: totals[n],
    };
    process.stderr.write(`  ${q.label}: p50 ${timing.p50.toFixed(2)} ms, p95 ${timing.p95.toFixed(2)} ms\n`);
    return timing;
  });
}

const Q = {
  page: '',
  filtered: `user:int:rank=${encodeURIComponent('[100000,109999]')}&user:str:category=${encodeURIComponent('cat-1*')}&sort=${encodeURIComponent('user:double:score desc')}`,
  filteredWide: `user:int:rank=${encodeURIComponent('[100000,199999]')}&user:str:category=${encodeURIComponent('cat-1*')}&sort=${encodeURIComponent('user:double:score desc')}`,
  facetTags: `facets=${encodeURIComponent('user:array:tags')}&limit=0`,
  facetCategory: `facets=${encodeURIComponent('user:category')}&limit=0`,
};

async function core(app: App, runs: number): Promise<Timing[]> {
  return [
    await time(app, 'default page (100 newest, exact total)', Q.page, runs * 4),
    await time(app, 'user:int range + user:str prefix, sorted by user:double, total', Q.filtered, runs),
    await time(app, 'facets user:array:tags over the organization', Q.facetTags, Math.max(5, runs / 5)),
    await time(app, 'facets user:category over the organization', Q.facetCategory, Math.max(5, runs / 5)),
  ];
}

function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function table(timings: Timing[]): string {
  const rows = timings.map(
    (t) =>
      `| ${t.label} | ${t.p50.toFixed(2)} | ${t.p95.toFixed(2)} | ${t.total?.toLocaleString('en') ?? ''} | ${t.runs} |${t.note ? ` ${t.note}` : ''}`,
  );
  return ['| measurement | p50 ms | p95 ms | total | runs |', '| --- | ---: | ---: | ---: | ---: |', ...rows].join(
    '\n',
  );
}

/** Where the catalog lives: what differs between SQLite and PostgreSQL in this bench. */
interface Backend {
  name: string;
  /** The data folder (the SQLite file, or the marker only) and the config's catalog setting. */
  dir: string;
  env: Record<string, string>;
  /** Whether a marker in `dir` may stand for a catalog seeded earlier. */
  reusable: boolean;
  importer: Importer;
  /** How the importer writes, for the report. */
  seeding: string;
  /** Run once after both organizations are seeded. */
  afterSeed(): Promise<void>;
  /** The live image 100 places before the end of the default order (created desc, hash asc). */
  hundredthFromEnd(org: string): Promise<{ created: number; hash: string }>;
  /** Bytes on disk, and the large tables and indexes per image. */
  size(): Promise<{ bytes: number; breakdown: string }>;
  stop(): Promise<void>;
}

const LAST_PAGE_SQL = 'order by created asc, hash desc limit 1 offset 100';

function sqliteBackend(): Backend {
  const dir = path.join(os.tmpdir(), `origo-bench-search-v${SEED_VERSION}-${IMAGES}`);
  const file = path.join(dir, 'origo.sqlite');
  return {
    name: 'SQLite',
    dir,
    env: {},
    reusable: true,
    importer: (storage, orgId, batch) => storage.catalog.importImages(orgId, batch).then(() => undefined),
    seeding: `Catalog.importImages, ${BATCH} per transaction`,
    afterSeed: async () => {},
    async hundredthFromEnd(org) {
      const raw = new BetterSqlite3(file, { readonly: true });
      try {
        const orgId = (raw.prepare('select id from organizations where name = ?').get(org) as { id: number }).id;
        return raw
          .prepare(`select created, hash from images where org_id = ? and deleted_at is null ${LAST_PAGE_SQL}`)
          .get(orgId) as { created: number; hash: string };
      } finally {
        raw.close();
      }
    },
    async size() {
      // After folding the WAL into the database file.
      const rw = new BetterSqlite3(file);
      rw.pragma('wal_checkpoint(TRUNCATE)');
      let breakdown = '';
      try {
        const parts = rw
          .prepare('select name, sum(pgsize) as bytes from dbstat group by name order by bytes desc')
          .all() as { name: string; bytes: number }[];
        breakdown = parts
          .filter((p) => p.bytes > 1_000_000)
          .map((p) => `${p.name} ${(p.bytes / (2 * IMAGES)).toFixed(0)}`)
          .join(', ');
      } catch {
        breakdown = '(dbstat unavailable)';
      }
      rw.close();
      return { bytes: fileSize(file) + fileSize(`${file}-wal`), breakdown };
    },
    stop: async () => {},
  };
}

async function postgresBackend(given: string | undefined): Promise<Backend> {
  let url = given;
  let stopServer = async () => {};
  if (url === undefined) {
    ensureServerPackages();
    const server = await startPostgres();
    process.stderr.write(`started a throwaway PostgreSQL (${server.dataDir})\n`);
    url = server.url;
    stopServer = server.stop;
  }
  const tag =
    given === undefined ? `throwaway-${process.pid}` : createHash('sha1').update(given).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `origo-bench-search-v${SEED_VERSION}-${IMAGES}-pg-${tag}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    name: 'PostgreSQL',
    dir,
    env: { ORIGO_DATABASE_URL: url },
    reusable: given !== undefined,
    importer: postgresImporter(client),
    seeding: `INSERT … SELECT FROM unnest(arrays) into images, user_fields and search_terms, ${BATCH} images per transaction`,
    async afterSeed() {
      const started = performance.now();
      await client.query('vacuum analyze');
      process.stderr.write(`  vacuum analyze: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    },
    async hundredthFromEnd(org) {
      const { rows } = await client.query<{ created: string; hash: string }>(
        `select created, hash from images where org_id = (select id from organizations where name = $1) and deleted_at is null ${LAST_PAGE_SQL}`,
        [org],
      );
      return { created: Number(rows[0]!.created), hash: rows[0]!.hash };
    },
    async size() {
      const { rows: db } = await client.query<{ bytes: string }>(
        'select pg_database_size(current_database()) as bytes',
      );
      const { rows } = await client.query<{ name: string; bytes: string }>(
        `select c.relname as name, pg_relation_size(c.oid) as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'i') order by 2 desc`,
      );
      const breakdown = rows
        .filter((r) => Number(r.bytes) > 1_000_000)
        .map((r) => `${r.name} ${(Number(r.bytes) / (2 * IMAGES)).toFixed(0)}`)
        .join(', ');
      return { bytes: Number(db[0]!.bytes), breakdown };
    },
    async stop() {
      await client.end();
      await stopServer();
      if (given === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function parseArgs(): { postgres: boolean; databaseUrl?: string } {
  let postgres = false;
  let databaseUrl: string | undefined;
  for (const arg of process.argv.slice(2)) {
    if (arg === '--postgres') postgres = true;
    else if (arg.startsWith('--database-url=')) databaseUrl = arg.slice('--database-url='.length);
    else
      throw new Error(
        `unknown argument ${arg}: use --postgres (a throwaway PostgreSQL) or --database-url=postgres://… (an existing, empty database)`,
      );
  }
  return { postgres: postgres || databaseUrl !== undefined, ...(databaseUrl !== undefined && { databaseUrl }) };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const backend = args.postgres ? await postgresBackend(args.databaseUrl) : sqliteBackend();
  try {
    await measure(backend);
  } finally {
    await backend.stop();
  }
}

async function measure(backend: Backend): Promise<void> {
  const DIR = backend.dir;
  const MARKER = path.join(DIR, 'bench-seed.json');
  let marker: Marker | undefined;
  if (backend.reusable && existsSync(MARKER)) {
    const m = JSON.parse(readFileSync(MARKER, 'utf8')) as Marker;
    if (m.version === SEED_VERSION && m.images === IMAGES) marker = m;
  }
  const config = loadConfig({
    ORIGO_DATA_DIR: DIR,
    ORIGO_LOG_LEVEL: 'silent',
    ORIGO_RATE_LIMIT_PER_MINUTE: '100000000',
    ORIGO_SWEEP_INTERVAL_SECONDS: '0',
    ...backend.env,
  });
  if (!marker) {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    process.stderr.write(
      `seeding ${IMAGES.toLocaleString('en')} images × 2 organizations into ${backend.name} (${DIR})\n`,
    );
  } else {
    process.stderr.write(`reusing the seeded catalog in ${backend.name} (${DIR})\n`);
  }
  let storage = await openStorage(config);
  let app = await buildApp({ config, storage, rootKeyDigest: keyDigest(KEY), logger: false });
  const runs = 100;

  if (!marker) {
    const seconds = await seedOrganization(storage, backend.importer, ORG, 1, { images: IMAGES, batch: BATCH });
    await backend.afterSeed();
    process.stderr.write(`measuring ${ORG} alone\n`);
    const aloneLoad = os.loadavg()[0]!;
    const alone = await core(app, runs);
    const secondsOther = await seedOrganization(storage, backend.importer, OTHER, 2, { images: IMAGES, batch: BATCH });
    await backend.afterSeed();
    marker = { version: SEED_VERSION, images: IMAGES, seedSeconds: seconds + secondsOther, alone, aloneLoad };
    // Reopen, as a re-run would: the timings below start from the same state.
    await app.close();
    await closeStorage(storage);
    writeFileSync(MARKER, JSON.stringify(marker, null, 2));
    storage = await openStorage(config);
    app = await buildApp({ config, storage, rootKeyDigest: keyDigest(KEY), logger: false });
  }

  process.stderr.write(`measuring ${ORG} next to ${OTHER}\n`);
  const loadBefore = os.loadavg()[0]!;
  const timings = await core(app, runs);
  timings.push(await time(app, 'same search, wider int range (10 %)', Q.filteredWide, 20));
  timings.push(
    await time(
      app,
      'both facets + filter (user:int range)',
      `facets=${encodeURIComponent('user:category,user:array:tags')}&user:int:rank=${encodeURIComponent('[0,99999]')}&limit=0`,
      20,
    ),
  );
  timings.push(await time(app, 'name prefix (100 matches)', `name=${encodeURIComponent('img-00123*')}`, runs));
  timings.push(await time(app, 'name_text word (1 match)', 'name_text=0012345', runs));
  timings.push(await time(app, 'format=webp (10 %), default sort: page + total', 'format=webp', 20));
  timings.push(
    await time(
      app,
      'operator=or: two user:str values',
      `operator=or&user:category=cat-7&${encodeURIComponent('user:array:tags')}=tag-3`,
      20,
    ),
  );
  timings.push(await time(app, 'deleted=true (none deleted)', 'deleted=true', runs));
  timings.push(
    await time(
      app,
      'unfiltered sort by user:int (whole organization)',
      `sort=${encodeURIComponent('user:int:rank desc')}`,
      5,
    ),
  );

  // Keyset: the first page against the last page reached by cursor. The last
  // page's cursor is the row 100 places before the end of the order.
  const before = await backend.hundredthFromEnd(ORG);
  const cursor = encodeCursor(parseListingQuery({}).search, { values: [before.created], hash: before.hash });
  const last = await get(app, ORG, `offset=${cursor}`);
  if (last.items.length !== 100 || last.links['next'] !== undefined)
    throw new Error('the last page by cursor is not the last 100 images');
  const [first, lastTiming] = await interleaved(
    app,
    [
      { label: 'first page (cursor listing)', query: '' },
      { label: 'last page reached by cursor', query: `offset=${cursor}` },
    ],
    runs * 5,
  );
  lastTiming!.note = `${(lastTiming!.p50 / first!.p50).toFixed(2)}× the first page`;
  timings.push(first!, lastTiming!);

  const loadAfter = os.loadavg()[0]!;
  await app.close();
  await closeStorage(storage);
  const { bytes, breakdown } = await backend.size();

  const out = [
    `catalog: ${backend.name}; images: ${IMAGES.toLocaleString('en')} per organization × 2 (${DIR})`,
    `seeding: ${marker.seedSeconds.toFixed(0)} s for ${(2 * IMAGES).toLocaleString('en')} images = ${Math.round((2 * IMAGES) / marker.seedSeconds).toLocaleString('en')} images/s (${backend.seeding})`,
    `database: ${(bytes / 1e9).toFixed(2)} GB = ${Math.round(bytes / (2 * IMAGES)).toLocaleString('en')} bytes per image`,
    `bytes per image by table/index: ${breakdown}`,
    '',
    `${ORG} alone (before ${OTHER} was seeded${marker.aloneLoad === undefined ? '' : `; load average ${marker.aloneLoad.toFixed(1)}`}):`,
    '',
    table(marker.alone),
    '',
    `${ORG} next to ${OTHER} (load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${os.cpus().length} cores; other work on the machine inflates the figures):`,
    '',
    table(timings),
  ].join('\n');
  process.stdout.write(`${out}\n`);
}

await main();
