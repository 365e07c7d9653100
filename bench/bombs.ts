// bombs: decompression bombs against a real origo, beside ordinary uploads.
//
//   npm run bench:bombs [-- --rounds=20 --normal=40]
//
// Five small files whose headers promise a lot of decoding are uploaded at
// once, `rounds` times back to back: a fully transparent 14000 x 14000 PNG,
// the same size fully opaque but with an alpha channel, a 20,000-frame GIF,
// a transparent 12000 x 12000 WebP (libwebp cannot decode it in strips) and
// an SVG whose only size is viewBox="0 0 1e9 1e9". Meanwhile one client
// keeps uploading small distinct PNGs. Printed: the server's peak RSS over
// idle (VmHWM, reset before the bombs, and 10 ms samples of VmRSS), how long
// each bomb took and its status, and the small uploads' latency during the
// bombs against the same uploads beside ordinary files of the same byte
// sizes (small JPEGs padded to size), in the same run: five uploads at once
// cost the small ones CPU for hashing and fsyncs whatever they hold, so the
// ratio shows only what the bombs' decoding adds.
//
// Targets: peak RSS within 512 MiB of idle, each bomb answered within 5 s
// with the expected status and result (size and opacity, or origo_code),
// small uploads beside bombs at most 1.5 x as slow as beside ordinary files.
// An upload left unanswered for ANSWER_DEADLINE_MS stops the run: origo is
// killed (SIGKILL) and the table says so.

import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { animatedGif, flatPngWithAlpha, svgWith } from '../packages/server/test/bomb-images.ts';
import { DeadlineExceeded, withDeadline } from './lib/deadline.ts';
import { multipartFrame } from './lib/images.ts';
import { json, type Origo, runCleanups, startOrigo, uploadBuffer } from './lib/origo.ts';
import { memory, resetPeakRss } from './lib/proc.ts';
import { fmt, log, MiB, median, quantile, type Row, table } from './lib/report.ts';

const TARGET_GROWTH = 512 * MiB;
const TARGET_BOMB_MS = 5000;
const TARGET_LATENCY_RATIO = 1.5;
/** Longest any upload may go unanswered before origo is taken for hung (well past TARGET_BOMB_MS, for a loaded machine). */
const ANSWER_DEADLINE_MS = 30_000;

interface Bomb {
  name: string;
  type: string;
  bytes: Buffer;
  /** A correct answer: its status and summary (as send() makes it). */
  expect: { status: number; summary: string; why?: string };
}

interface Answer {
  status: number;
  ms: number;
  summary: string;
}

function parseArgs(): { rounds: number; normal: number } {
  const options = { rounds: 20, normal: 40 };
  for (const arg of process.argv.slice(2)) {
    const m = /^--(rounds|normal)=(\d+)$/.exec(arg);
    if (!m) {
      log('usage: node --import tsx bench/bombs.ts [--rounds=N] [--normal=N]');
      process.exit(2);
    }
    options[m[1] as 'rounds' | 'normal'] = Math.max(1, Number(m[2]));
  }
  return options;
}

/** Why the run was stopped, once an upload went unanswered. */
let hung: string | undefined;

async function send(origo: Origo, name: string, type: string, bytes: Buffer): Promise<Answer> {
  const t0 = performance.now();
  let res: Awaited<ReturnType<typeof uploadBuffer>>;
  try {
    res = await withDeadline(
      uploadBuffer(origo.child.url, multipartFrame(name, type), bytes),
      ANSWER_DEADLINE_MS,
      `answer to ${name}`,
    );
  } catch (err) {
    // Kill at once, so every other request in flight fails now rather than at its own deadline.
    if (err instanceof DeadlineExceeded && hung === undefined) {
      hung = err.message;
      origo.child.proc.kill('SIGKILL');
    }
    throw err;
  }
  const ms = performance.now() - t0;
  let summary: string;
  if (res.status === 200) {
    const item = json<{ items: { width: number; height: number; opaque: boolean; animated: boolean }[] }>(res)
      .items[0]!;
    summary = `stored ${item.width}x${item.height}, opaque ${item.opaque}`;
  } else {
    const body = json<{ error: { origo_code: string } }>(res);
    summary = body.error.origo_code;
  }
  return { status: res.status, ms, summary };
}

/** A lossless WebP, fully transparent: a few dozen bytes, and libwebp decodes a whole frame at once. */
function transparentWebp(side: number): Promise<Buffer> {
  return sharp({ create: { width: side, height: side, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .webp({ lossless: true, effort: 0 })
    .toBuffer();
}

/** Small PNGs with distinct bytes (a counter in the first pixels), so none is de-duplicated. */
async function smallPng(seed: number): Promise<Buffer> {
  const width = 64;
  const height = 48;
  const pixels = Buffer.alloc(width * height * 3, 120);
  pixels.writeUInt32BE(seed >>> 0, 0);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * An ordinary file of about `size` bytes: a 16 x 16 JPEG whose APP15
 * segments pad it to size, cheap to probe but as costly to receive, hash and
 * store as a bomb of that size.
 */
async function ordinaryOfSize(size: number, seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(16 * 16 * 3, 200);
  pixels.writeUInt32BE(seed >>> 0, 0);
  const jpeg = await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } })
    .jpeg()
    .toBuffer();
  const segments: Buffer[] = [];
  for (let missing = size - jpeg.length; missing > 4; ) {
    const payload = Math.min(missing - 4, 65_533);
    const segment = Buffer.alloc(4 + payload, 0x20);
    segment.writeUInt16BE(0xffef, 0);
    segment.writeUInt16BE(2 + payload, 2);
    segments.push(segment);
    missing -= segment.length;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

async function main(): Promise<void> {
  const { rounds, normal } = parseArgs();
  log(`origo bombs, ${new Date().toISOString()}`);
  log(
    `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB memory, node ${process.version}`,
  );

  const t0 = performance.now();
  const bombs: Bomb[] = [
    {
      name: 'transparent-14000.png',
      type: 'image/png',
      bytes: await flatPngWithAlpha(14_000, 14_000, false),
      expect: { status: 200, summary: 'stored 14000x14000, opaque false' },
    },
    {
      name: 'opaque-alpha-14000.png',
      type: 'image/png',
      bytes: await flatPngWithAlpha(14_000, 14_000, true),
      expect: { status: 200, summary: 'stored 14000x14000, opaque false', why: 'over the opacity budget' },
    },
    {
      name: 'frames-20000.gif',
      type: 'image/gif',
      bytes: animatedGif(20_000),
      expect: { status: 413, summary: 'ORIGO_ERR_UPLOAD_TOO_MANY_FRAMES' },
    },
    {
      name: 'transparent-12000.webp',
      type: 'image/webp',
      bytes: await transparentWebp(12_000),
      expect: { status: 200, summary: 'stored 12000x12000, opaque false' },
    },
    {
      name: 'viewbox-1e9.svg',
      type: 'image/svg+xml',
      bytes: svgWith('viewBox="0 0 1e9 1e9"'),
      expect: { status: 413, summary: 'ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS' },
    },
  ];
  log(
    `bombs made in ${fmt((performance.now() - t0) / 1000, 1)} s: ${bombs.map((b) => `${b.name} ${fmt(b.bytes.length)} bytes`).join(', ')}`,
  );
  const decoys: Bomb[] = await Promise.all(
    bombs.map(async (b, i) => ({
      name: `ordinary-${i}.jpg`,
      type: 'image/jpeg',
      bytes: await ordinaryOfSize(b.bytes.length, i),
      expect: { status: 200, summary: 'stored 16x16, opaque true' },
    })),
  );

  // Production defaults (decode concurrency = cores); only the log is quieter.
  const origo = await startOrigo({ ORIGO_LOG_LEVEL: 'warn' });
  const pid = origo.child.pid;
  let seed = 0;
  const normalUpload = async () => {
    const res = await send(origo, `small-${seed}.png`, 'image/png', await smallPng(seed++));
    if (res.status !== 200) throw new Error(`a small upload was refused: ${res.status} ${res.summary}`);
    return res.ms;
  };
  try {
    for (let i = 0; i < 10; i++) await normalUpload();
    await sleep(1000);
    const idle = median(Array.from({ length: 5 }, () => memory(pid).rss));
    const baseline: number[] = [];
    for (let i = 0; i < normal; i++) baseline.push(await normalUpload());
    log(
      `idle server RSS ${fmt(idle / MiB, 1)} MiB; ${normal} small uploads alone: median ${fmt(median(baseline), 1)} ms, p95 ${fmt(quantile(baseline, 0.95), 1)} ms`,
    );

    // One client keeps uploading small images while `files` go in, `rounds` times at once.
    const beside = async (files: Bomb[], round: string) => {
      let uploading = true;
      const during: number[] = [];
      const stream = (async () => {
        while (uploading) during.push(await normalUpload());
      })();
      const answers = new Map<string, Answer[]>(files.map((b) => [b.name, []]));
      try {
        for (let r = 0; r < rounds; r++) {
          const results = await Promise.all(files.map((b) => send(origo, `${round}${r}-${b.name}`, b.type, b.bytes)));
          for (const [i, a] of results.entries()) answers.get(files[i]!.name)!.push(a);
        }
      } catch (err) {
        uploading = false;
        // The round's error is the one to report, not the stream's after it.
        await stream.catch(() => {});
        throw err;
      }
      uploading = false;
      await stream;
      return { during, answers };
    };

    // Same sizes, ordinary content: what five uploads at once cost the small ones anyway.
    const ordinary = await beside(decoys, 'o');
    for (const d of decoys) {
      const list = ordinary.answers.get(d.name)!;
      if (!list.every((a) => a.status === d.expect.status && a.summary === d.expect.summary)) {
        throw new Error(
          `an ordinary upload (${d.name}) was not stored as expected (${d.expect.summary}): ${list.map((a) => `${a.status} ${a.summary}`).join('; ')}`,
        );
      }
    }
    await sleep(500);

    const hwmReset = resetPeakRss(pid);
    let peakSample = memory(pid).rss;
    const sampler = setInterval(() => {
      peakSample = Math.max(peakSample, memory(pid).rss);
    }, 10);
    const tBombs = performance.now();
    let bombed: Awaited<ReturnType<typeof beside>>;
    try {
      bombed = await beside(bombs, 'b');
    } finally {
      clearInterval(sampler);
    }
    const { during, answers } = bombed;
    const bombSeconds = (performance.now() - tBombs) / 1000;
    const after = memory(pid);
    const peak = Math.max(peakSample, hwmReset ? after.hwm : 0);
    const growth = peak - idle;

    log('');
    log(
      `${rounds} rounds of ${bombs.length} bombs at once took ${fmt(bombSeconds, 1)} s; ${during.length} small uploads ran meanwhile`,
    );
    for (const b of bombs) {
      const list = answers.get(b.name)!;
      const statuses = [...new Set(list.map((a) => `${a.status} ${a.summary}`))].join('; ');
      const expected = `${b.expect.status} ${b.expect.summary}${b.expect.why ? ` (${b.expect.why})` : ''}`;
      log(
        `  ${b.name.padEnd(24)} ${statuses.padEnd(48)} slowest ${fmt(Math.max(...list.map((a) => a.ms)))} ms, median ${fmt(median(list.map((a) => a.ms)))} ms (expected ${expected})`,
      );
    }
    log(
      `server RSS: idle ${fmt(idle / MiB, 1)} MiB, peak ${fmt(peak / MiB, 1)} MiB (${hwmReset ? 'VmHWM reset before the bombs, and 10 ms samples' : '10 ms samples only'}), ` +
        `growth ${fmt(growth / MiB, 1)} MiB (target < ${fmt(TARGET_GROWTH / MiB)} MiB); after ${fmt(after.rss / MiB, 1)} MiB`,
    );
    // Both samples have at least the upload the stream had running when the files were done; guarded anyway.
    const sampled = during.length > 0 && ordinary.during.length > 0;
    const ratio = sampled ? median(during) / median(ordinary.during) : Number.NaN;
    log(
      `small uploads beside the bombs: median ${fmt(median(during), 1)} ms, p95 ${fmt(quantile(during, 0.95), 1)} ms (${during.length}); ` +
        `beside ordinary files of the same sizes: median ${fmt(median(ordinary.during), 1)} ms, p95 ${fmt(quantile(ordinary.during, 0.95), 1)} ms (${ordinary.during.length}); ` +
        `alone: median ${fmt(median(baseline), 1)} ms; median ratio bombs / ordinary ${fmt(ratio, 2)}`,
    );

    const slowest = Math.max(...[...answers.values()].flat().map((a) => a.ms));
    const wrong = bombs.filter(
      (b) => !answers.get(b.name)!.every((a) => a.status === b.expect.status && a.summary === b.expect.summary),
    );
    const rows: Row[] = [
      {
        bench: 'bombs',
        metric: 'server peak RSS over idle',
        origo: `${fmt(growth / MiB, 1)} MiB`,
        baseline: `${fmt(idle / MiB, 1)} MiB idle`,
        ratio: '-',
        target: `< ${fmt(TARGET_GROWTH / MiB)} MiB`,
        met: growth < TARGET_GROWTH,
      },
      {
        bench: 'bombs',
        metric: 'slowest bomb answer',
        origo: `${fmt(slowest)} ms`,
        baseline: '-',
        ratio: '-',
        target: `< ${fmt(TARGET_BOMB_MS)} ms`,
        met: slowest < TARGET_BOMB_MS && wrong.length === 0,
        ...(wrong.length > 0 ? { notes: `unexpected answer for ${wrong.map((b) => b.name).join(', ')}` } : {}),
      },
      {
        bench: 'bombs',
        metric: 'small upload median latency, beside bombs vs beside ordinary files of the same sizes',
        origo: `${fmt(median(during), 1)} ms`,
        baseline: `${fmt(median(ordinary.during), 1)} ms`,
        ratio: fmt(ratio, 2),
        target: `<= ${TARGET_LATENCY_RATIO}`,
        met: sampled && ratio <= TARGET_LATENCY_RATIO,
        ...(sampled ? {} : { notes: 'no small upload finished beside the bombs or beside the ordinary files' }),
      },
    ];
    log('');
    log(table(rows));
    for (const r of rows) if (r.notes) log(`- ${r.bench}: ${r.notes}`);
    process.exitCode = rows.every((r) => r.met) ? 0 : 1;
  } catch (err) {
    if (hung === undefined) throw err;
    log('');
    log(
      table([
        {
          bench: 'bombs',
          metric: 'every upload answered',
          origo: 'stopped: origo killed',
          baseline: '-',
          ratio: '-',
          target: `each answer < ${fmt(ANSWER_DEADLINE_MS)} ms`,
          met: false,
          notes: hung,
        },
      ]),
    );
    log(`- bombs: ${hung}; origo was killed (SIGKILL)`);
    process.exitCode = 1;
  } finally {
    await origo.close();
  }
}

process.on('SIGINT', () => {
  runCleanups();
  process.exit(130);
});
process.on('exit', runCleanups);
await main();
runCleanups();
