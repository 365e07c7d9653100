// A 20 MB file uploaded from a path and from a Node stream: the bytes arrive
// whole, and the process's memory grows by far less than the file's size,
// because neither the SDK nor fetch reads the file into memory. The server
// runs as its own process, so that only the client's memory is measured.

import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOrigo } from '../../server/test/origo-process.ts';
import { OrigoClient } from '../src/index.ts';
import { pngChunk } from './png-chunk.ts';

const ROOT_KEY = 'large-upload-root-key-0123456789';
const CHUNKS = 20;
const CHUNK_BYTES = 1_000_000;

let origo: ReturnType<typeof startOrigo>;
let client: OrigoClient;
let dir: string;
let file: string;
let fileSha1: string;
let fileSize: number;

/**
 * A 16×16 PNG carrying 20 private ancillary chunks of 1 MB each (decoders
 * skip them), written piece by piece so the test itself holds no 20 MB buffer.
 */
async function writeLargePng(target: string): Promise<void> {
  const handle = await open(target, 'w');
  const hash = createHash('sha1');
  const write = async (bytes: Buffer) => {
    hash.update(bytes);
    await handle.write(bytes);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  await write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await write(pngChunk('IHDR', ihdr));
  for (let i = 0; i < CHUNKS; i++) await write(pngChunk('prVt', Buffer.alloc(CHUNK_BYTES, i + 1)));
  const rows = Buffer.alloc(16 * (1 + 16 * 3), 0x40);
  for (let y = 0; y < 16; y++) rows[y * 49] = 0;
  await write(pngChunk('IDAT', zlib.deflateSync(rows)));
  await write(pngChunk('IEND', Buffer.alloc(0)));
  await handle.close();
  fileSha1 = hash.digest('hex');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'origo-sdk-large-'));
  origo = startOrigo({ ORIGO_DATA_DIR: path.join(dir, 'data'), ORIGO_ROOT_KEY: ROOT_KEY });
  client = new OrigoClient({ url: await origo.listening(), apiKey: ROOT_KEY });
  await client.createOrganization('acme', { billing_email: 'ops@example.com' });
  file = path.join(dir, 'large.png');
  await writeLargePng(file);
  fileSize = (await stat(file)).size;
  // Once each way first: the first large request grows the heap and the
  // allocator's pools to their working size, which is not the upload's doing.
  await client.createSourceImage('acme', 'warm-up.png', { path: file });
  await client.createSourceImage('acme', 'warm-up.png', createReadStream(file));
}, 120_000);
afterAll(async () => {
  await origo?.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

// A full collection on demand, so that what is measured is memory still held,
// not garbage the collector has not come to yet (RSS alone swings by the
// file's size on a busy machine whatever the code does).
v8.setFlagsFromString('--expose-gc');
const collect: () => void = vm.runInNewContext('gc');

/** Bytes the process holds (heap and buffers), right after a collection. */
function held(): number {
  // Twice: buffers freed by one collection are counted as gone only after the next.
  collect();
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * The most memory held above what was held before, while `work` runs:
 * sampled every few milliseconds, when `work` calls `sample`, and when it ends.
 */
async function peakGrowth(work: (sample: () => void) => Promise<unknown>): Promise<number> {
  // What an earlier request left for the event loop to drop goes first, or the baseline would hide it.
  await new Promise((resolve) => setImmediate(resolve));
  const baseline = held();
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, held());
  };
  const timer = setInterval(sample, 40);
  try {
    await work(sample);
    // Right after the answer: a body kept until the request is done shows here.
    sample();
  } finally {
    clearInterval(timer);
  }
  return peak - baseline;
}

it.each([
  ['a path', () => ({ path: file })],
  ['a Node stream', () => createReadStream(file)],
])(
  'uploads 20 MB from %s with flat memory',
  async (_kind, data) => {
    let stored: { binary_hash: string; size: number } | undefined;
    const growth = await peakGrowth(async () => {
      stored = await client.createSourceImage('acme', 'large.png', data());
    });
    expect(stored).toMatchObject({ binary_hash: fileSha1, size: fileSize });
    expect(fileSize).toBeGreaterThan(20_000_000);
    expect(growth).toBeLessThan(fileSize / 2);
  },
  90_000,
);

it('the measure sees a file read whole into a Buffer', async () => {
  const growth = await peakGrowth(async (sample) => {
    const whole = await readFile(file);
    sample();
    await client.createSourceImage('acme', 'large.png', whole);
  });
  expect(growth).toBeGreaterThan(fileSize * 0.9);
}, 90_000);
