// The scrub inside the server and the downloads' memory of proven bytes
// (service/verified-blobs.ts): a proof is only kept for bytes that had not
// changed for a while before they were read, the in-server scrub drops the
// proof of a blob it finds damaged, and a scrub cut short by its signal
// counts no blob it did not finish.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scrub } from '../src/service/scrub.ts';
import { scheduleScrub } from '../src/service/scrub-schedule.ts';
import { isVerified, markVerified, SETTLED_MS } from '../src/service/verified-blobs.ts';
import type { BlobStore } from '../src/storage/blobs/blob-store.ts';
import { createOrg, sha1, startServer, type TestServer, uniquePng, upload } from './helpers.ts';
import { until } from './raw-http.ts';
import { requestToEnd, type Sent } from './response-to-end.ts';
import { blobFileOf, writeBlob } from './stored-blobs.ts';
import { serversOnS3 } from './test-storage.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
});
afterEach(() => server.close());

interface Stored {
  hash: string;
  bytes: Buffer;
  key: string;
}

async function store(seed: number): Promise<Stored> {
  const bytes = await uniquePng(seed);
  const res = await upload(server, 'acme', [{ name: 'photo.png', bytes }]);
  if (res.status !== 200) throw new Error(res.text);
  return {
    hash: res.json.items[0].hash,
    bytes,
    key: `${sha1(bytes)}-${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

/** A full download: the bytes that came, and whether they ended as Content-Length said (false when cut off). */
function download(image: Stored): Promise<Sent> {
  return requestToEnd(`${server.url}/sourceimages/acme/${image.hash}/download`);
}

/** The version of the blob as a download would open it now. */
async function versionOf(blobs: BlobStore, key: string): Promise<string> {
  const blob = await blobs.get(key);
  blob.stream.destroy();
  return blob.version;
}

/**
 * Waits (polling the file) until its change time lies more than SETTLED_MS
 * in the past. An S3 object's version is its ETag, which every rewrite
 * changes: it has no change time to wait for.
 */
async function settled(image: Stored): Promise<void> {
  if (server.s3Prefix !== undefined) return;
  const file = blobFileOf(server, image.key);
  await until(
    () => statSync(file).ctimeMs < Date.now() - SETTLED_MS - 100,
    `${file} to be unchanged for ${SETTLED_MS} ms`,
  );
}

describe('the proof a full download leaves', () => {
  // About the file store's coarse change-time clock by nature: an S3 read
  // has no change time (its ETag changes on every rewrite), so its proof is
  // kept at once, by design.
  it.skipIf(serversOnS3)(
    'is not kept for bytes written just before they were read, and is kept once they have settled',
    async () => {
      const image = await store(1);
      const first = await download(image);
      expect(first.complete).toBe(true);
      expect(first.body.equals(image.bytes)).toBe(true);
      // Just uploaded: on a coarse change-time clock a rewrite could still keep this version.
      expect(isVerified(server.deps.blobs, image.key, await versionOf(server.deps.blobs, image.key))).toBe(false);

      await settled(image);
      expect((await download(image)).complete).toBe(true);
      expect(isVerified(server.deps.blobs, image.key, await versionOf(server.deps.blobs, image.key))).toBe(true);
    },
  );
});

describe('the in-server scrub', () => {
  it('makes downloads check again a blob it finds damaged, even when decay left its version unchanged', async () => {
    const image = await store(2);
    const sound = await store(3);
    const damaged = Buffer.from(image.bytes);
    damaged[70] = (damaged[70] ?? 0) ^ 0x10;
    await writeBlob(server, image.key, damaged);
    // Bit rot changes bytes without a write, so the version stays the one a
    // download proved right. No test can rot a disk: the proof of the
    // current (damaged) version is made as such a download would have made it.
    await settled(image);
    const readStartedAt = Date.now();
    const blob = await server.deps.blobs.get(image.key);
    blob.stream.destroy();
    markVerified(server.deps.blobs, image.key, blob, readStartedAt);
    const served = await download(image);
    expect(served.complete).toBe(true);
    expect(served.body.equals(damaged)).toBe(true);

    const logged: { level: 'info' | 'error'; fields: Record<string, unknown>; message: string }[] = [];
    const job = scheduleScrub(
      server.deps,
      {
        info: (fields, message) => logged.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
        error: (fields, message) => logged.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
      },
      50,
    );
    try {
      await until(() => logged.some((l) => l.message === 'scrub: checked the stored blobs'), 'a scrub run to finish');
    } finally {
      await job.stop();
    }
    expect(logged.find((l) => l.level === 'error')?.fields).toMatchObject({ blobKey: image.key, kind: 'damaged' });

    const after = await download(image);
    expect(after.status).toBe(200);
    expect(after.complete).toBe(false);
    expect(after.body.length).toBeLessThan(image.bytes.length);
    // A sound blob's download is not affected.
    expect((await download(sound)).body.equals(sound.bytes)).toBe(true);
  });

  it('stopped while a blob is being read: that blob is neither counted nor reported', async () => {
    await store(4);
    const abort = new AbortController();
    const real = server.deps.blobs;
    // The stop arrives right after the first blob was opened.
    const blobs: BlobStore = Object.assign(Object.create(real) as BlobStore, {
      get: async (...args: Parameters<BlobStore['get']>) => {
        const opened = await real.get(...args);
        abort.abort();
        return opened;
      },
    });
    const report = await scrub({ ...server.deps, blobs }, { signal: abort.signal });
    expect(report).toMatchObject({
      aborted: true,
      checkedBlobs: 0,
      checkedBytes: 0,
      missing: 0,
      damaged: 0,
      problems: [],
    });

    const whole = await scrub(server.deps);
    expect(whole).toMatchObject({ aborted: false, checkedBlobs: 1, missing: 0, damaged: 0 });
  });
});
