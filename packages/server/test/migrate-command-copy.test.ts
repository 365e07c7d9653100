// `origo-server migrate --from-data-dir <dir>` as a user runs it (a child
// process): an embedded install made by a real server is copied into a
// fresh PostgreSQL database and S3 prefix, then a server on the target must
// answer as the old one did. Only with ORIGO_TEST_DATABASE_URL and
// ORIGO_TEST_S3_* (npm run test:scale-out); bad usage is checked in
// migrate-command-usage.test.ts.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadRootKey } from '../src/service/root-key.ts';
import { closeStorage } from '../src/storage/index.ts';
import { blobPathOf } from './blob-path.ts';
import { runCli, stopAllChildren } from './cli-run.ts';
import {
  type ApiResult,
  api,
  expectError,
  form,
  ROOT_KEY,
  sha1,
  startServer,
  type TestServer,
  uniquePng,
} from './helpers.ts';
import { migrate, removeTempDirs, MIGRATE_TEST_MS as TEST_MS, tempDir } from './migrate-cli.ts';
import { createTestDatabase, type TestDatabase } from './pg-database.ts';
import { bareClient, ensureBucket, freshPrefix, keysUnder, removeUnder, s3Configured, s3Env } from './s3-env.ts';
import { addMember, call, signUp } from './tenancy-helpers.ts';

afterEach(async () => {
  await stopAllChildren();
});
afterAll(removeTempDirs);

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const blobKeyOf = (bytes: Buffer) => `${sha1(bytes)}-${sha256(bytes)}`;
const user = (meta: Record<string, unknown>) => ({ 'meta_user[0]': JSON.stringify(meta) });

interface Image {
  org: string;
  hash: string;
  bytes: Buffer;
}

/** What the source server answered, to be answered alike by a server on the target. */
interface Snapshot {
  listings: Record<string, ApiResult['json']>;
  searches: { path: string; json: ApiResult['json'] }[];
  deleted: ApiResult['json'];
  memberships: ApiResult['json'];
  currentKey: ApiResult['json'];
}

describe.skipIf(!adminUrl || !s3Configured)('origo-server migrate onto PostgreSQL and S3', () => {
  let sourceDir: string;
  let admin: { userId: string; key: string };
  let reader: { userId: string; key: string };
  let token: string;
  const images: Image[] = [];
  let canon: Image;
  let gone: Image;
  let theirs: Image;
  let snapshot: Snapshot;
  const databases: TestDatabase[] = [];
  const prefixes: string[] = [];
  const servers: TestServer[] = [];

  const searchPaths = [
    `/sourceimages/acme?${new URLSearchParams({ 'user:category': 'travel' })}`,
    `/sourceimages/acme?${new URLSearchParams({ name: 'photo-1*', limit: '1000' })}`,
    `/sourceimages/acme?${new URLSearchParams({ 'dynamic:int:subject_area:x': '[0,100]' })}`,
  ];

  async function uploadMany(
    server: TestServer,
    key: string,
    org: string,
    files: { name: string; bytes: Buffer }[],
    fields: Record<string, string> = {},
  ) {
    const res = await call(server, 'POST', `/sourceimages/${org}`, { key, body: form(files, fields) });
    if (res.status !== 200) throw new Error(`upload to ${org}: ${res.status} ${res.text}`);
    const made = res.json.items.map((item: { hash: string }, i: number) => ({
      org,
      hash: item.hash,
      bytes: files[i]!.bytes,
    }));
    images.push(...made);
    return made as Image[];
  }

  async function take(server: TestServer): Promise<Snapshot> {
    const listings: Snapshot['listings'] = {};
    for (const org of ['acme', 'globex'])
      listings[org] = (await api(server, 'GET', `/sourceimages/${org}?limit=1000`)).json;
    const searches = [];
    for (const p of searchPaths) searches.push({ path: p, json: (await api(server, 'GET', p)).json });
    return {
      listings,
      searches,
      deleted: (await api(server, 'GET', `/sourceimages/acme/${gone.hash}?deleted=true`)).json,
      memberships: (await call(server, 'GET', '/organizations/acme/memberships', { key: admin.key })).json,
      currentKey: (await call(server, 'GET', '/user/apikeys/current', { key: reader.key })).json,
    };
  }

  beforeAll(async () => {
    await ensureBucket(bareClient());
    sourceDir = tempDir('source');
    const server = await startServer({}, { dataDir: sourceDir, storage: 'embedded' });
    try {
      admin = await signUp(server, 'acme', 'admin@example.com');
      const globexAdmin = await signUp(server, 'globex', 'g@example.com');
      reader = await addMember(server, 'acme', ['read']);
      const shared = await uniquePng(1);
      await uploadMany(
        server,
        admin.key,
        'acme',
        [{ name: 'beach.png', bytes: shared }],
        user({ category: 'travel', 'int:rank': 5, 'array:tags': ['sea', 'sun'] }),
      );
      canon = (
        await uploadMany(server, admin.key, 'acme', [{ name: 'canon.png', bytes: await uniquePng(2) }], {
          'meta_dynamic[0][subject_area]': JSON.stringify({ x: 2, y: 3, width: 10, height: 10 }),
        })
      )[0]!;
      const many = [];
      for (let i = 0; i < 30; i++) many.push({ name: `photo-${i}.png`, bytes: await uniquePng(100 + i, 40, 20) });
      await uploadMany(server, admin.key, 'acme', many);
      gone = (await uploadMany(server, admin.key, 'acme', [{ name: 'gone.png', bytes: await uniquePng(3) }]))[0]!;
      expect((await call(server, 'DELETE', `/sourceimages/acme/${gone.hash}`, { key: admin.key })).status).toBe(204);
      // The same bytes in another organization: one blob, two images.
      await uploadMany(server, globexAdmin.key, 'globex', [{ name: 'beach-too.png', bytes: shared }]);
      theirs = (
        await uploadMany(server, globexAdmin.key, 'globex', [{ name: 'theirs.png', bytes: await uniquePng(4) }])
      )[0]!;
      const minted = await call(server, 'GET', '/user/apikeys/token?expires_in=3600', { key: admin.key });
      expect(minted.status).toBe(200);
      token = minted.json.token;
      snapshot = await take(server);
      expect(snapshot.listings['acme'].total).toBe(32);
      expect(snapshot.searches.map((s) => s.json.items.length)).toEqual([1, 11, 1]);
    } finally {
      // Stopped, not closed: close() would empty the data folder.
      await server.app.close();
      await closeStorage(server.storage);
    }
    // The digest a generated root key leaves (startServer takes the key itself).
    writeFileSync(path.join(sourceDir, 'root-key.sha256'), `${sha256(ROOT_KEY)}\n`, { mode: 0o600 });
  }, TEST_MS);

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const database of databases) await database.drop();
    const client = bareClient();
    for (const prefix of prefixes) await removeUnder(client, prefix);
  });

  interface Target {
    env: Record<string, string>;
    dataDir: string;
    database: TestDatabase;
    prefix: string;
  }

  async function newTarget(label: string): Promise<Target> {
    const database = await createTestDatabase(adminUrl!);
    databases.push(database);
    const prefix = freshPrefix(`migrate-${label}`);
    prefixes.push(prefix);
    const dataDir = tempDir(`target-${label}`);
    return {
      env: { ORIGO_DATA_DIR: dataDir, ORIGO_DATABASE_URL: database.url, ...s3Env(prefix) },
      dataDir,
      database,
      prefix,
    };
  }

  async function serve(target: Target): Promise<TestServer> {
    const server = await startServer(
      { ORIGO_DATABASE_URL: target.database.url, ...s3Env(target.prefix) },
      { dataDir: target.dataDir },
    );
    servers.push(server);
    return server;
  }

  async function imageRows(target: Target): Promise<number> {
    const client = new pg.Client({ connectionString: target.database.url });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('select count(*) as n from images')).rows[0]!.n);
    } finally {
      await client.end();
    }
  }

  async function download(server: TestServer, image: Image): Promise<{ status: number; bytes: Buffer }> {
    const res = await fetch(`${server.url}/sourceimages/${image.org}/${image.hash}/download`, {
      headers: { 'api-key': ROOT_KEY },
    });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  /** Everything the source answered, answered alike by `server` on the target, and every live image's bytes. */
  async function expectSameAsSource(server: TestServer): Promise<void> {
    const now = await take(server);
    expect(now.listings).toEqual(snapshot.listings);
    expect(now.searches).toEqual(snapshot.searches);
    expect(now.deleted).toEqual(snapshot.deleted);
    expect(now.memberships).toEqual(snapshot.memberships);
    // Its last use moves on with every request made with it.
    expect({ ...now.currentKey, accessed: undefined }).toEqual({ ...snapshot.currentKey, accessed: undefined });
    expect(Date.parse(now.currentKey.accessed)).toBeGreaterThanOrEqual(Date.parse(snapshot.currentKey.accessed));
    for (const image of images.filter((i) => i !== gone)) {
      const got = await download(server, image);
      expect(got.status, `${image.org}/${image.hash}`).toBe(200);
      expect(sha256(got.bytes)).toBe(sha256(image.bytes));
    }
    // A token made on the old server, and the keys of its users, work on the new one.
    expect((await call(server, 'GET', '/sourceimages/acme?limit=1', { token })).status).toBe(200);
    expect((await call(server, 'GET', '/sourceimages/acme?limit=1', { key: reader.key })).status).toBe(200);
    expect((await call(server, 'GET', '/sourceimages/globex?limit=1', { key: reader.key })).status).toBe(403);
    // The deleted image is still restorable there.
    const restored = await api(server, 'POST', `/sourceimages/acme/${gone.hash}/restore`);
    expect(restored.status).toBe(200);
    expect((await download(server, gone)).bytes.equals(gone.bytes)).toBe(true);
  }

  const blobCount = () => new Set(images.map((i) => blobKeyOf(i.bytes))).size;
  /**
   * Every file of a folder with its sha256, to tell that a run wrote nothing
   * there. Left out: SQLite's shared-memory index and an empty write-ahead
   * log, which a read-only reader of a WAL database makes and which hold no rows.
   */
  const folderDigest = (dir: string) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((p) => !p.endsWith('-shm') && !(p.endsWith('-wal') && statSync(path.join(dir, p)).size === 0))
      .sort()
      .map((p) =>
        statSync(path.join(dir, p)).isDirectory() ? `${p}/` : `${p}:${sha256(readFileSync(path.join(dir, p)))}`,
      );
  /** The staged copies of blobs on their way are all gone. */
  const expectNoStagedFiles = (target: Target) => expect(readdirSync(path.join(target.dataDir, 'tmp'))).toEqual([]);

  it(
    'copies every image, field, user, key, membership and setting; a second run copies nothing',
    async () => {
      const target = await newTarget('whole');
      const sourceBefore = folderDigest(sourceDir);
      const run = await migrate(sourceDir, target.env);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      // The source is only read.
      expect(folderDigest(sourceDir)).toEqual(sourceBefore);
      expectNoStagedFiles(target);
      expect(run.stdout).toContain('  organizations: 2: 2 copied, 0 already there\n');
      expect(run.stdout).toContain(`  images: ${images.length}: ${images.length} copied, 0 already there\n`);
      expect(run.stdout).toContain('  users: 3: 3 copied, 0 already there\n');
      expect(run.stdout).toContain('  memberships: 3: 3 copied, 0 already there\n');
      expect(run.stdout).toContain(`migrate: blobs: ${blobCount()} in use: ${blobCount()} copied (`);
      expect(run.stdout).toContain(', 0 already there, 0 missing, 0 damaged\n');
      expect(run.stdout).toMatch(/migrate: done in [\d.]+ s\n$/);
      // Exactly the blobs the images use, under their keys.
      const stored = await keysUnder(bareClient(), target.prefix);
      expect(stored.sort()).toEqual([...new Set(images.map((i) => `${target.prefix}${blobKeyOf(i.bytes)}`))].sort());
      // The root key's digest went into the shared catalog, not a node's folder.
      expect(run.stdout).toContain(
        "migrate: root key: the old root key's digest is in the catalog (setting root_key_sha256) (copied); every node accepts the old root key",
      );
      expect(existsSync(path.join(target.dataDir, 'root-key.sha256'))).toBe(false);

      const again = await migrate(sourceDir, target.env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`  images: ${images.length}: 0 copied, ${images.length} already there\n`);
      expect(again.stdout).toContain(
        `migrate: blobs: ${blobCount()} in use: 0 copied (0.0 MB, hashes checked), ${blobCount()} already there`,
      );
      expect(again.stdout).toMatch(/migrate: done in [\d.]+ s: nothing to copy, the target already had everything\n$/);
      expect(await imageRows(target)).toBe(images.length);

      const server = await serve(target);
      await expectSameAsSource(server);
      // A node starting on the target takes the old root key from the catalog.
      const nodeKey = await loadRootKey(server.config, server.storage.accounts);
      expect(nodeKey.generated).toBeUndefined();
      expect(nodeKey.digest.toString('hex')).toBe(sha256(ROOT_KEY));
      // New images and organizations on the target get ids of their own, past the copied ones.
      const fresh = await call(server, 'POST', '/sourceimages/acme', {
        key: admin.key,
        body: form([{ name: 'new.png', bytes: await uniquePng(999) }]),
      });
      expect(fresh.status, fresh.text).toBe(200);
      const newOrg = await api(server, 'PUT', '/organizations/initech', {
        body: JSON.stringify({ billing_email: 'i@example.com', display_name: 'Initech' }),
      });
      expect(newOrg.status, newOrg.text).toBe(200);
      // The live count: the copied images, the one restored above, the new one.
      expect((await api(server, 'GET', '/sourceimages/acme?limit=1')).json.total).toBe(
        snapshot.listings['acme'].total + 2,
      );
    },
    TEST_MS,
  );

  it(
    'finishes on a second run after the first was killed part way',
    async () => {
      const target = await newTarget('killed');
      const killed = await runCli(
        ['migrate', '--from-data-dir', sourceDir, '--batch-size=1', '--progress-seconds=0'],
        target.env,
        /origo-server migrate: \d+ of \d+ images/,
      );
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).toBe('');
      const halfway = await imageRows(target);
      expect(halfway).toBeGreaterThan(0);
      expect(halfway).toBeLessThan(images.length);

      const rerun = await migrate(sourceDir, target.env);
      expect(rerun.code, rerun.stderr + rerun.stdout).toBe(0);
      const [, copied, there] = /\n {2}images: \d+: (\d+) copied, (\d+) already there\n/.exec(rerun.stdout) ?? [];
      expect(Number(copied) + Number(there)).toBe(images.length);
      expect(Number(there)).toBe(halfway);
      expect(await imageRows(target)).toBe(images.length);
      await expectSameAsSource(await serve(target));
    },
    TEST_MS,
  );

  it(
    'reports a damaged and a missing blob with their images and exits 1; a run after the repair copies them',
    async () => {
      const damagedDir = tempDir('damaged');
      cpSync(sourceDir, damagedDir, { recursive: true });
      const canonFile = blobPathOf(damagedDir, sha1(canon.bytes));
      const tampered = Buffer.from(canon.bytes);
      tampered[60] = (tampered[60] ?? 0) ^ 0x01;
      writeFileSync(canonFile, tampered);
      const theirsFile = blobPathOf(damagedDir, sha1(theirs.bytes));
      rmSync(theirsFile);

      const target = await newTarget('damaged');
      const run = await migrate(damagedDir, target.env);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain(
        `damaged blob ${blobKeyOf(canon.bytes)}: sha1 is ${sha1(tampered)}; sha256 is ${sha256(tampered)}\n  used by image ${canon.hash} in organization acme\n`,
      );
      expect(run.stdout).toContain(
        `missing blob ${blobKeyOf(theirs.bytes)}\n  used by image ${theirs.hash} in organization globex\n`,
      );
      expect(run.stdout).toContain(`  images: ${images.length}: ${images.length} copied, 0 already there\n`);
      expect(run.stdout).toContain(`in use: ${blobCount() - 2} copied (`);
      expect(run.stdout).toContain(', 0 already there, 1 missing, 1 damaged\n');
      expect(run.stdout).toContain(
        'but 2 blobs are missing or damaged in the source (listed above); repair them there',
      );
      expectNoStagedFiles(target);
      const stored = await keysUnder(bareClient(), target.prefix);
      expect(stored).not.toContain(`${target.prefix}${blobKeyOf(canon.bytes)}`);
      expect(stored).not.toContain(`${target.prefix}${blobKeyOf(theirs.bytes)}`);

      // The images are there, as on the source; their bytes are not.
      const server = await serve(target);
      expect((await api(server, 'GET', `/sourceimages/acme/${canon.hash}`)).json.name).toBe('canon.png');
      const broken = await api(server, 'GET', `/sourceimages/globex/${theirs.hash}/download`);
      expectError(broken, 500, 'ORIGO_ERR_STORAGE_BLOB_MISSING');

      writeFileSync(canonFile, canon.bytes);
      writeFileSync(theirsFile, theirs.bytes);
      // The target node keeps serving meanwhile.
      const repaired = await migrate(damagedDir, target.env);
      expect(repaired.code, repaired.stderr + repaired.stdout).toBe(0);
      expect(repaired.stdout).toContain(`migrate: blobs: ${blobCount()} in use: 2 copied (`);
      expect(repaired.stdout).toContain(`  images: ${images.length}: 0 copied, ${images.length} already there\n`);
      for (const image of [canon, theirs]) expect((await download(server, image)).bytes.equals(image.bytes)).toBe(true);
    },
    TEST_MS,
  );

  it(
    'copies into PostgreSQL with the blobs as files in the new data folder',
    async () => {
      const database = await createTestDatabase(adminUrl!);
      databases.push(database);
      const dataDir = tempDir('target-files');
      const run = await migrate(sourceDir, { ORIGO_DATA_DIR: dataDir, ORIGO_DATABASE_URL: database.url });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stderr).toContain(' to PostgreSQL at ');
      expect(run.stderr).toContain(` and files in ${path.join(dataDir, 'blobs')}\n`);
      for (const image of images)
        expect(readFileSync(blobPathOf(dataDir, sha1(image.bytes))).equals(image.bytes)).toBe(true);
      const server = await startServer({ ORIGO_DATABASE_URL: database.url }, { dataDir, storage: 'blob-files' });
      servers.push(server);
      await expectSameAsSource(server);
    },
    TEST_MS,
  );

  it(
    'refuses a target database that holds an organization of its own',
    async () => {
      const target = await newTarget('foreign');
      const server = await serve(target);
      const made = await api(server, 'PUT', '/organizations/stranger', {
        body: JSON.stringify({ billing_email: 'x@example.com', display_name: 'x' }),
      });
      expect(made.status).toBe(200);
      const run = await migrate(sourceDir, target.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'the target database already has organization "stranger" (id 1), which is not the source\'s; migrate into an empty database',
      );
      expect(await imageRows(target)).toBe(0);
    },
    TEST_MS,
  );
});
