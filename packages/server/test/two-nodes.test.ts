// Issue 10's proof: two origo processes on one PostgreSQL database and one S3
// store behave as one server. Only the HTTP API and the bucket are looked at
// (not the catalog's tables or the blob store's internals), and the nodes are
// real child processes, so that one can be killed mid-upload.
//
// Runs under `npm run test:scale-out` (ORIGO_TEST_DATABASE_URL and
// ORIGO_TEST_S3_*); skipped otherwise.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_COMMIT_CLAIM_MS } from '../src/storage/catalog/blob-claims.ts';
import { type ApiResult, readResult, sha1, uniquePng } from './helpers.ts';
import { type OrigoProcess, startOrigo } from './origo-process.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';
import { bareClient, ensureBucket, freshPrefix, keysUnder, removeUnder, s3Configured, s3Env } from './s3-env.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];
const KEY = 'two-nodes-root-key-0123456789abcdef';
const ORG = 'acme';
const UPLOADS = 200;
const SAME_BYTES = 50;
/** Longest any one request may take on a loaded 2-core machine: a hang past it fails the test. */
const REQUEST_MS = 120_000;

interface Node {
  name: string;
  proc: OrigoProcess;
  url: string;
}

async function call(
  node: Node,
  method: string,
  pathname: string,
  init: RequestInit & { key?: string } = {},
): Promise<ApiResult> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization') && !headers.has('api-key')) headers.set('api-key', init.key ?? KEY);
  return readResult(
    await fetch(node.url + pathname, {
      ...init,
      method,
      headers,
      signal: init.signal ?? AbortSignal.timeout(REQUEST_MS),
    }),
  );
}

function uploadForm(bytes: Buffer, name: string, metaUser?: Record<string, string>): FormData {
  const fd = new FormData();
  fd.append('filedata', new Blob([new Uint8Array(bytes)]), name);
  if (metaUser) fd.append('meta_user[0]', JSON.stringify(metaUser));
  return fd;
}

interface Listed {
  hash: string;
  binary_hash: string;
  name: string;
  user_metadata?: Record<string, unknown>;
}

/** Every live image, paged by cursor, each page asked of the next node in turn: a cursor made on one node must work on the other. */
async function listAll(nodes: Node[], pageSize = 37): Promise<{ items: Listed[]; total: number }> {
  const items: Listed[] = [];
  let cursor: string | undefined;
  let total = -1;
  for (let page = 0; ; page++) {
    const node = nodes[page % nodes.length]!;
    const res = await call(
      node,
      'GET',
      `/sourceimages/${ORG}?limit=${pageSize}${cursor === undefined ? '' : `&offset=${encodeURIComponent(cursor)}`}`,
    );
    expect(res.status, `page ${page} on ${node.name}: ${res.text}`).toBe(200);
    total = res.json.total;
    items.push(...(res.json.items as Listed[]));
    if (res.json.items.length < pageSize) return { items, total };
    expect(typeof res.json.cursor).toBe('string');
    cursor = res.json.cursor;
  }
}

async function downloads(node: Node, hash: string): Promise<Buffer> {
  const res = await fetch(`${node.url}/sourceimages/${ORG}/${hash}/download`, {
    headers: { 'api-key': KEY },
    signal: AbortSignal.timeout(REQUEST_MS),
  });
  expect(res.status, `download ${hash} from ${node.name}`).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe.skipIf(!adminUrl || !s3Configured)('two origo nodes on one PostgreSQL and one S3 store', () => {
  let database: TestDatabase;
  let s3: S3Client;
  const prefix = freshPrefix('two-nodes');
  const dirs: string[] = [];
  const procs: OrigoProcess[] = [];
  /** The bytes of every upload the test sent, by SHA-1. */
  const sent = new Map<string, Buffer>();

  const startNode = async (name: string, extra: Record<string, string> = {}): Promise<Node> => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `origo-${name}-`));
    dirs.push(dataDir);
    const proc = startOrigo({
      ORIGO_DATA_DIR: dataDir,
      ORIGO_ROOT_KEY: KEY,
      ORIGO_DATABASE_URL: database.url,
      ...s3Env(prefix),
      // Sweeping is left to the sweeper nodes started at the end.
      ORIGO_SWEEP_INTERVAL_SECONDS: '0',
      // 100 uploads queued on one node of a loaded 2-core machine: a busy 503 is not what this test is about.
      ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS: '600',
      ...extra,
    });
    procs.push(proc);
    const node = { name, proc, url: await proc.listening() };
    return node;
  };

  let a: Node;
  let b: Node;

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl!);
    s3 = bareClient();
    await ensureBucket(s3);
    // One node first: it migrates the fresh database; then the second.
    a = await startNode('a');
    b = await startNode('b');
    const org = await call(a, 'PUT', `/organizations/${ORG}`, {
      body: JSON.stringify({ billing_email: 'ops@example.com' }),
    });
    expect(org.status, org.text).toBe(200);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (s3) {
      await removeUnder(s3, prefix);
      s3.destroy();
    }
    await database?.drop();
  }, 120_000);

  it('stores 200 concurrent uploads over both nodes exactly once, 50 same-bytes ones as one merged image, with no 5xx', {
    timeout: 300_000,
  }, async () => {
    const same = await uniquePng(900_000);
    sent.set(sha1(same), same);
    const uploads = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const node = i % 2 === 0 ? a : b;
        if (i < SAME_BYTES) {
          return {
            i,
            node,
            sameBytes: true,
            res: await call(node, 'POST', `/sourceimages/${ORG}`, {
              body: uploadForm(same, `same-${i}.png`, { [`from_${i}`]: node.name }),
            }),
          };
        }
        const bytes = await uniquePng(i);
        sent.set(sha1(bytes), bytes);
        return {
          i,
          node,
          sameBytes: false,
          res: await call(node, 'POST', `/sourceimages/${ORG}`, { body: uploadForm(bytes, `unique-${i}.png`) }),
        };
      }),
    );
    const failures = uploads
      .filter((u) => u.res.status !== 200)
      .map((u) => `${u.i} on ${u.node.name}: ${u.res.status} ${u.res.text}`);
    expect(failures).toEqual([]);

    const sameHashes = new Set(uploads.filter((u) => u.sameBytes).map((u) => u.res.json.items[0].hash as string));
    expect(sameHashes.size, 'the 50 same-bytes uploads give one image').toBe(1);
    const uniqueHashes = uploads.filter((u) => !u.sameBytes).map((u) => u.res.json.items[0].hash as string);
    expect(new Set(uniqueHashes).size).toBe(UPLOADS - SAME_BYTES);

    const { items, total } = await listAll([a, b]);
    expect(total).toBe(UPLOADS - SAME_BYTES + 1);
    expect(items).toHaveLength(total);
    const hashes = items.map((item) => item.hash);
    expect(new Set(hashes).size, 'each image once').toBe(hashes.length);
    expect(new Set(hashes)).toEqual(new Set([...sameHashes, ...uniqueHashes]));

    // The documented merge: the existing image is returned, the first name kept and every upload's user fields merged in.
    const [sameHash] = sameHashes;
    const merged = await call(b, 'GET', `/sourceimages/${ORG}/${sameHash}`);
    expect(merged.status).toBe(200);
    expect(merged.json.name).toMatch(/^same-\d+\.png$/);
    const expectedFields = Object.fromEntries(
      Array.from({ length: SAME_BYTES }, (_, i) => [`from_${i}`, i % 2 === 0 ? 'a' : 'b']),
    );
    expect(merged.json.user_metadata, 'no upload lost its fields in the merge').toEqual(expectedFields);
  });

  it('shows a PATCH made on one node to a search on the other on the first try', async () => {
    const { items } = await listAll([a]);
    const target = items.find((item) => item.name.startsWith('unique-'))!;
    const colour = `teal-${Date.now()}`;
    const patched = await call(a, 'PATCH', `/sourceimages/${ORG}/${target.hash}/meta/user`, {
      body: JSON.stringify({ colour }),
    });
    expect(patched.status, patched.text).toBe(204);
    const found = await call(b, 'GET', `/sourceimages/${ORG}?user:str:colour=${colour}`);
    expect(found.status, found.text).toBe(200);
    expect(found.json.total).toBe(1);
    expect(found.json.items[0].hash).toBe(target.hash);
    const image = await call(b, 'GET', `/sourceimages/${ORG}/${target.hash}`);
    expect(image.json.user_metadata).toMatchObject({ colour });
  });

  it('accepts a token made on one node on the other', async () => {
    const user = await call(a, 'POST', '/users', {
      body: JSON.stringify({ email: 'two-nodes@example.com', organization: 'two-nodes-user' }),
    });
    expect(user.status, user.text).toBe(200);
    const made = await call(a, 'GET', '/user/apikeys/token?expires_in=600', { key: user.json.api_key });
    expect(made.status, made.text).toBe(200);
    const asToken = { headers: { authorization: `Bearer ${made.json.token}` } };
    const onB = await call(b, 'GET', '/sourceimages/two-nodes-user', asToken);
    expect(onB.status, onB.text).toBe(200);
    expect(onB.json.total).toBe(0);
  });

  it('loses nothing acknowledged and shows nothing half-written when a node is killed mid-upload; the sweep then leaves no orphan blob', {
    timeout: 300_000,
  }, async () => {
    const before = new Set((await listAll([a])).items.map((item) => item.hash));
    const stream = Array.from({ length: 40 }, (_, i) => 10_000 + i);
    let acknowledged = 0;
    let killed = false;
    const outcomes = await Promise.all(
      stream.map(async (seed) => {
        const bytes = await uniquePng(seed);
        sent.set(sha1(bytes), bytes);
        try {
          const res = await call(b, 'POST', `/sourceimages/${ORG}`, { body: uploadForm(bytes, `doomed-${seed}.png`) });
          if (res.status === 200) acknowledged++;
          // Once a few are through, the node dies with the rest in flight.
          if (acknowledged >= 5 && !killed) {
            killed = true;
            b.proc.child.kill('SIGKILL');
          }
          return {
            bytes,
            status: res.status,
            text: res.text,
            hash: res.status === 200 ? (res.json.items[0].hash as string) : undefined,
          };
        } catch (err) {
          return { bytes, status: 0, text: String((err as Error).cause ?? err), hash: undefined };
        }
      }),
    );
    expect((await b.proc.exited).signal).toBe('SIGKILL');
    const answered = outcomes.filter((o) => o.status !== 0);
    expect(
      answered.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.text}`),
      'every answer before the kill a success',
    ).toEqual([]);
    const cut = outcomes.filter((o) => o.status === 0);
    expect(cut.length, 'some uploads were in flight when the node died').toBeGreaterThan(0);

    // Nothing acknowledged is lost; a cut upload is absent or whole.
    for (const o of outcomes) {
      const found = await call(a, 'GET', `/sourceimages/${ORG}/binaryhash/${sha1(o.bytes)}`);
      expect(found.status).toBe(200);
      if (o.status === 200) {
        expect(found.json.total, 'an acknowledged upload survives the kill').toBe(1);
        expect(found.json.items[0].hash).toBe(o.hash);
      } else expect(found.json.total).toBeLessThanOrEqual(1);
      if (found.json.total === 1) expect((await downloads(a, found.json.items[0].hash)).equals(o.bytes)).toBe(true);
    }

    // One image deleted for good (restore window 0 on the sweepers), so the sweep has a blob it must remove.
    const { items } = await listAll([a]);
    const doomed = items.find((item) => item.name.startsWith('unique-'))!;
    expect((await call(a, 'DELETE', `/sourceimages/${ORG}/${doomed.hash}`)).status).toBe(204);
    sent.delete(doomed.binary_hash);

    // The killed node's uploads left commit claims behind (it died between
    // claim and release): they keep their blobs from the sweep until they go
    // stale, an hour on. Age them as an hour would, so the sweep may now
    // collect what the dead node had put without rows.
    const claims = new pg.Client({ connectionString: database.url });
    await claims.connect();
    try {
      const left = await claims.query<{ n: string }>('select count(*) as n from blob_claims where commits > 0');
      expect(Number(left.rows[0]!.n), 'claims of uploads cut by the kill').toBeLessThanOrEqual(cut.length);
      await claims.query('update blob_claims set touched = touched - $1::bigint', [STALE_COMMIT_CLAIM_MS + 60_000]);
    } finally {
      await claims.end();
    }

    // Two sweepers at once, as when every node sweeps.
    const sweeperEnv = {
      ORIGO_SWEEP_INTERVAL_SECONDS: '1',
      ORIGO_BLOB_GRACE_SECONDS: '0',
      ORIGO_RESTORE_WINDOW_DAYS: '0',
    };
    const sweepers = await Promise.all([startNode('sweeper-1', sweeperEnv), startNode('sweeper-2', sweeperEnv)]);
    const end = Date.now() + 120_000;
    let live: Listed[] = [];
    let keys: string[] = [];
    for (;;) {
      live = (await listAll([a, sweepers[0]!])).items;
      keys = await keysUnder(s3, prefix);
      const inUse = new Set(live.map((item) => item.binary_hash));
      const purged = (await call(a, 'GET', `/sourceimages/${ORG}/${doomed.hash}?deleted=true`)).status === 404;
      if (purged && keys.length === inUse.size) break;
      if (Date.now() > end)
        throw new Error(`the sweep left ${keys.length} objects for ${inUse.size} blobs in use (purged: ${purged})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(sweepers.some((s) => s.proc.output().includes('sweep: purged expired images and unused blobs'))).toBe(true);

    // Every row's blob downloads, byte for byte, from either node; and every object in the bucket is one of them.
    const cutStored = cut.filter((o) => live.some((item) => item.binary_hash === sha1(o.bytes))).length;
    expect(live.length, 'no row the uploads do not account for').toBe(before.size + answered.length + cutStored - 1);
    for (const [n, item] of live.entries()) {
      const bytes = await downloads(n % 2 === 0 ? a : sweepers[1]!, item.hash);
      expect(sent.get(item.binary_hash)?.equals(bytes), `image ${item.hash} holds the bytes sent`).toBe(true);
    }
    expect(keys).toHaveLength(new Set(live.map((item) => item.binary_hash)).size);
    console.log(
      `two-nodes: ${live.length} images, ${keys.length} objects; kill: ${answered.length} acknowledged, ${cut.length} cut (${cutStored} of those stored)`,
    );
  });
});
