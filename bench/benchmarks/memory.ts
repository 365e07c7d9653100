// memory: the server's RSS while it receives a ~500 MiB upload. The file is
// a valid JPEG: SOI, then ~8,000 APP15 segments of random filler (each at
// most 65,535 bytes, as the format allows), then the rest of a small real
// JPEG. It is generated while it is sent: neither side holds it whole.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { multipartFrame, segment, smallJpeg } from '../lib/images.ts';
import { AUTH, json, ORG, request, startOrigo, uploadBuffer } from '../lib/origo.ts';
import { type Memory, memory, resetPeakRss } from '../lib/proc.ts';
import { fmt, log, MiB, median, type Row } from '../lib/report.ts';
import type { BenchOptions } from './options.ts';

export const TARGET_GROWTH = 100 * MiB;

const SEGMENT_BYTES = 65537; // FF EF + length (2) + 65,533 bytes of payload
const SEGMENTS_PER_CHUNK = 16;

/** The JPEG, as chunks, and its exact length. */
function hugeJpeg(totalBytes: number, tail: Buffer): { length: number; chunks: () => AsyncGenerator<Buffer> } {
  const afterSoi = tail.subarray(2);
  const segments = Math.max(0, Math.floor((totalBytes - 2 - afterSoi.length) / SEGMENT_BYTES));
  // A few distinct ~1 MiB chunks of segments, sent over and over.
  const pool = Array.from({ length: 4 }, () =>
    Buffer.concat(Array.from({ length: SEGMENTS_PER_CHUNK }, () => segment(0xef, randomBytes(SEGMENT_BYTES - 4)))),
  );
  const length = 2 + segments * SEGMENT_BYTES + afterSoi.length;
  return {
    length,
    chunks: async function* () {
      yield Buffer.from([0xff, 0xd8]);
      let left = segments;
      let i = 0;
      while (left >= SEGMENTS_PER_CHUNK) {
        yield pool[i++ % pool.length]!;
        left -= SEGMENTS_PER_CHUNK;
      }
      if (left > 0) yield pool[0]!.subarray(0, left * SEGMENT_BYTES);
      yield afterSoi;
    },
  };
}

export async function runMemory(o: BenchOptions): Promise<Row[]> {
  const origo = await startOrigo({ ORIGO_MAX_UPLOAD_BYTES: String(o.memoryUploadBytes + 64 * MiB) });
  const pid = origo.child.pid;
  try {
    // Warm-up: one small upload, so code loaded lazily is in the baseline.
    const warm = await uploadBuffer(origo.child.url, multipartFrame('warm.jpg'), await smallJpeg(1));
    if (warm.status !== 200) throw new Error(`warm-up upload: ${warm.status} ${warm.body.toString()}`);
    await sleep(1000);
    const before: Memory[] = [];
    for (let i = 0; i < 5; i++) {
      before.push(memory(pid));
      await sleep(50);
    }
    const rss0 = median(before.map((m) => m.rss));
    const anon0 = median(before.map((m) => m.anon));
    const file0 = median(before.map((m) => m.file));
    const hwmReset = resetPeakRss(pid);

    const small = await smallJpeg(2);
    const file = hugeJpeg(o.memoryUploadBytes, small);
    const frame = multipartFrame('huge.jpg');
    const length = frame.head.length + file.length + frame.tail.length;
    log(
      `  file: ${fmt(file.length)} bytes (${fmt(file.length / MiB)} MiB) JPEG with APP15 filler; server RSS before ${fmt(rss0 / MiB, 1)} MiB`,
    );

    // Samples of the server's memory, with how much of the body had been sent.
    const samples: { ms: number; sent: number; mem: Memory }[] = [];
    let sent = 0;
    const t0 = performance.now();
    const sample = () => samples.push({ ms: performance.now() - t0, sent, mem: memory(pid) });
    const sampler = setInterval(sample, 10);
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(origo.child.url, 'POST', `/sourceimages/${ORG}`, {
        headers: { ...AUTH, 'content-type': frame.contentType },
        body: {
          length,
          chunks: (async function* () {
            for (const part of [[frame.head], file.chunks(), [frame.tail]]) {
              for await (const chunk of part) {
                sent += chunk.length;
                yield chunk;
              }
            }
          })(),
        },
      });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - t0) / 1000;
    sample();
    const after = samples[samples.length - 1]!.mem;
    const top = (pick: (m: Memory) => number) => samples.reduce((best, s) => (pick(s.mem) > pick(best.mem) ? s : best));
    const peakSample = top((m) => m.rss);
    let peak = peakSample.mem.rss;
    if (hwmReset) peak = Math.max(peak, after.hwm);
    const where = (s: { ms: number; sent: number }) =>
      s.sent < length
        ? `${fmt((100 * s.sent) / length)}% of the body sent`
        : `body sent, ${fmt(s.ms - (samples.find((x) => x.sent >= length)?.ms ?? s.ms))} ms before the answer`;
    const mib = (n: number) => `${fmt(n / MiB, 1)} MiB`;
    log(`  memory before: rss ${mib(rss0)} (anon ${mib(anon0)}, file ${mib(file0)})`);
    log(
      `  peak rss ${mib(peakSample.mem.rss)} at ${where(peakSample)}: anon ${mib(peakSample.mem.anon)}, file-backed ${mib(peakSample.mem.file)}`,
    );
    const anonPeak = top((m) => m.anon);
    const filePeak = top((m) => m.file);
    log(
      `  peak anon ${mib(anonPeak.mem.anon)} (${where(anonPeak)}); peak file-backed ${mib(filePeak.mem.file)} (${where(filePeak)})`,
    );
    const step = Math.max(1, Math.floor(samples.length / 12));
    log(
      `  timeline (ms: sent%, rss/anon/file MiB): ${samples
        .filter((_, i) => i % step === 0 || i === samples.length - 1)
        .map(
          (s) =>
            `${fmt(s.ms)}: ${fmt((100 * s.sent) / length)}%, ${fmt(s.mem.rss / MiB)}/${fmt(s.mem.anon / MiB)}/${fmt(s.mem.file / MiB)}`,
        )
        .join('; ')}`,
    );

    if (res.status !== 200)
      throw new Error(`the ${fmt(file.length)}-byte upload was refused: ${res.status} ${res.body.toString()}`);
    const item = json<{ items: { size: number; format: string; width: number; height: number }[] }>(res).items[0]!;
    if (item.size !== file.length || item.format !== 'jpg') throw new Error(`stored as ${JSON.stringify(item)}`);
    const growth = peak - rss0;
    log(
      `  answered 200 in ${fmt(seconds, 1)} s (${fmt(file.length / 1e6 / seconds)} MB/s), stored ${item.format} ${item.width}x${item.height}, ${fmt(item.size)} bytes`,
    );
    log(
      `  server RSS: before ${mib(rss0)}, peak ${mib(peak)} (${hwmReset ? 'VmHWM reset before the upload, and 10 ms samples' : '10 ms samples only'}), after ${mib(after.rss)}`,
    );
    log(`  peak growth ${fmt(growth / MiB, 1)} MiB (target < ${fmt(TARGET_GROWTH / MiB)} MiB)`);
    return [
      {
        bench: 'memory',
        metric: `server RSS growth, ${fmt(file.length / MiB)} MiB upload`,
        origo: `${fmt(growth / MiB, 1)} MiB (peak ${fmt(peak / MiB, 1)})`,
        baseline: `${fmt(rss0 / MiB, 1)} MiB before`,
        ratio: '-',
        target: `< ${fmt(TARGET_GROWTH / MiB)} MiB`,
        met: growth < TARGET_GROWTH,
        notes:
          `upload took ${fmt(seconds, 1)} s (${fmt(file.length / 1e6 / seconds)} MB/s); at the RSS peak (${where(peakSample)}) ` +
          `anon ${mib(peakSample.mem.anon)} (before ${mib(anon0)}), file-backed ${mib(peakSample.mem.file)} (before ${mib(file0)})`,
      },
    ];
  } finally {
    await origo.close();
  }
}
