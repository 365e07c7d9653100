// PostgreSQL going away under load: every request either succeeds or answers
// 503 ORIGO_ERR_STORAGE_UNAVAILABLE naming ORIGO_DATABASE_URL (never a 500,
// never a hang), no upload is half-written, and requests after the restart
// succeed. The restart needs a PostgreSQL of the test's own, which
// `npm run test:scale-out` serves through ORIGO_TEST_SCALE_OUT_CONTROL_URL
// (scripts/scale-out/control.ts); without it only the classification runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionFault } from '../src/storage/catalog/sql/postgres.ts';
import {
  type ApiResult,
  api,
  createOrg,
  ROOT_KEY,
  sha1,
  startServer,
  type TestServer,
  uniquePng,
  upload,
} from './helpers.ts';

const control = process.env['ORIGO_TEST_SCALE_OUT_CONTROL_URL'];

describe('which PostgreSQL errors are connection faults (503) and which stay query errors', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('counts lost, refused and shut-down connections', () => {
    for (const code of [
      '57P01',
      '57P02',
      '57P03',
      '53300',
      '08006',
      '08001',
      '08P01',
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
    ]) {
      expect(isConnectionFault(withCode(code)), code).toBe(true);
    }
    expect(isConnectionFault(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionFault(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isConnectionFault(new Error('Connection terminated due to connection timeout', { cause: new Error('x') })),
    ).toBe(true);
    expect(isConnectionFault(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    // How net.connect reports a name with an IPv4 and an IPv6 address that both refuse.
    expect(isConnectionFault(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
    expect(isConnectionFault(new Error('wrapped', { cause: withCode('57P01') }))).toBe(true);
  });

  it('leaves query errors alone', () => {
    for (const code of ['23505', '40001', '42P01', '42703', '22P02', '57014', '53100']) {
      expect(isConnectionFault(withCode(code)), code).toBe(false);
    }
    expect(isConnectionFault(new Error('syntax error at or near "selec"'))).toBe(false);
    expect(isConnectionFault(new AggregateError([withCode('ECONNREFUSED'), withCode('23505')]))).toBe(false);
    expect(isConnectionFault(undefined)).toBe(false);
  });
});

/** Longest a request may take: a connect timeout (10 s) and the work, with room for a loaded machine. */
const REQUEST_DEADLINE_MS = 30_000;
const WORKERS = 6;

interface Outcome {
  kind: 'upload' | 'search' | 'get';
  startedAt: number;
  /** The answer, or why there was none (the deadline passed, the connection broke). */
  result?: ApiResult;
  failure?: string;
  bytes?: Buffer;
}

describe.skipIf(!control)('an origo on PostgreSQL while PostgreSQL restarts under load', () => {
  let server: TestServer;
  let databaseUrl: string;
  let restartPath: string;

  beforeAll(async () => {
    const made = await fetch(`${control}/postgres`, { method: 'POST' });
    expect(made.status).toBe(200);
    ({ url: databaseUrl, restart: restartPath } = (await made.json()) as { url: string; restart: string });
    server = await startServer({ ORIGO_DATABASE_URL: databaseUrl });
    await createOrg(server);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('answers 200 or 503 ORIGO_ERR_STORAGE_UNAVAILABLE, writes no half image and serves again after it', {
    timeout: 240_000,
  }, async () => {
    const password = new URL(databaseUrl).password;
    expect(password.length).toBeGreaterThan(8);
    const first = await upload(server, 'acme', [{ name: 'first.png', bytes: await uniquePng(1) }]);
    expect(first.status, first.text).toBe(200);
    const firstHash: string = first.json.items[0].hash;

    const outcomes: Outcome[] = [];
    let seed = 1000;
    let running = true;
    const one = async (i: number): Promise<Outcome> => {
      const kind = (['upload', 'search', 'get'] as const)[i % 3]!;
      const startedAt = Date.now();
      const signal = AbortSignal.timeout(REQUEST_DEADLINE_MS);
      try {
        if (kind === 'upload') {
          const bytes = await uniquePng(seed++);
          return {
            kind,
            startedAt,
            bytes,
            result: await api(server, 'POST', '/sourceimages/acme', { body: uploadForm(bytes), signal }),
          };
        }
        const path = kind === 'search' ? '/sourceimages/acme?limit=5&sort=created' : `/sourceimages/acme/${firstHash}`;
        return { kind, startedAt, result: await api(server, 'GET', path, { signal }) };
      } catch (err) {
        return { kind, startedAt, failure: String((err as Error).cause ?? err) };
      }
    };
    const worker = async (w: number) => {
      for (let i = w; running; i++) outcomes.push(await one(i));
    };
    const load = Array.from({ length: WORKERS }, (_, w) => worker(w));
    const waitFor = async (what: string, condition: () => boolean) => {
      const end = Date.now() + 120_000;
      while (!condition()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    await waitFor('30 answers before the restart', () => outcomes.filter((o) => o.result?.status === 200).length >= 30);
    const restarted = await fetch(control + restartPath, { method: 'POST' });
    expect(restarted.status, await restarted.clone().text()).toBe(200);
    const backAt = Date.now();
    const { restartedInMs } = (await restarted.json()) as { restartedInMs: number };
    await waitFor(
      '30 answers to requests sent after the restart',
      () => outcomes.filter((o) => o.startedAt > backAt).length >= 30,
    );
    running = false;
    await Promise.all(load);

    // Every request had an answer in time, and each answer was a success or the clean 503.
    expect(outcomes.filter((o) => o.failure !== undefined).map((o) => o.failure)).toEqual([]);
    const statuses = new Set(outcomes.map((o) => o.result!.status));
    expect([...statuses].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const refused = outcomes.filter((o) => o.result!.status === 503);
    // The restart did reach the requests: some were cut or refused.
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) {
      expect(o.result!.json, o.result!.text).toMatchObject({
        error: { code: 503, origo_code: 'ORIGO_ERR_STORAGE_UNAVAILABLE' },
      });
      expect(o.result!.json.message).toContain(
        'cannot use the PostgreSQL catalog at ORIGO_DATABASE_URL (postgres://postgres:***@127.0.0.1:',
      );
      expect(o.result!.text).not.toContain(password);
    }
    // Later ones succeed.
    const after = outcomes.filter((o) => o.startedAt > backAt);
    expect(after.filter((o) => o.result!.status !== 200).map((o) => o.result!.text)).toEqual([]);

    // No half-written upload: acknowledged ones are whole; refused ones are absent, or whole if their commit made it before the cut.
    const uploads = outcomes.filter((o) => o.kind === 'upload');
    let present = 1; // the first image
    for (const o of uploads) {
      const found = await api(server, 'GET', `/sourceimages/acme/binaryhash/${sha1(o.bytes!)}`);
      expect(found.status, found.text).toBe(200);
      if (o.result!.status === 200) expect(found.json.total, 'an acknowledged upload is in the catalog').toBe(1);
      else expect(found.json.total).toBeLessThanOrEqual(1);
      if (found.json.total === 1) {
        present++;
        const download = await fetch(`${server.url}/sourceimages/acme/${found.json.items[0].hash}/download`, {
          headers: { 'api-key': ROOT_KEY },
        });
        expect(download.status).toBe(200);
        expect(Buffer.from(await download.arrayBuffer()).equals(o.bytes!)).toBe(true);
      }
    }
    const listing = await api(server, 'GET', '/sourceimages/acme?limit=1');
    expect(listing.json.total, 'no image the uploads do not account for').toBe(present);

    const refusedUploads = uploads.filter((o) => o.result!.status === 503).length;
    const stored = present - 1 - uploads.filter((o) => o.result!.status === 200).length;
    console.log(
      `postgres-faults: ${outcomes.length} requests, ${refused.length} answered 503, ${refusedUploads} of them uploads (${stored} of those committed before the cut); PostgreSQL back in ${restartedInMs} ms`,
    );
  });
});

function uploadForm(bytes: Buffer): FormData {
  const fd = new FormData();
  fd.append('filedata', new Blob([new Uint8Array(bytes)]), 'load.png');
  return fd;
}
