// The upload of 1,000 small images by origo-client against a bare script
// making the same uploads with plain fetch at the same concurrency (issue
// 13's target: origo ≥ 0.8× the bare rate). The command is a process of its
// own, so its baseline is too: baseline-upload-script.mjs, plain Node with
// fetch, started the same way; the SDK call, made in this process, is
// measured against the same bare loop made in this process. Each run uploads the same 1,000
// files from disk into an organization of its own (so none is a duplicate)
// on one origo child; runs alternate, after a warm-up of each.
//
// "origo" is the `origo upload` command (a child process) when the built CLI
// has it, else the SDK's createSourceImage from paths, which the command uses.
//
//   npm run bench:client      (BENCH_CLIENT_ROUNDS, default 5; runs client-import.ts too)

import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { OrigoClient } from '../packages/client/src/client.ts';
import { eachConcurrently } from '../packages/client/src/move/pool.ts';
import { withComment } from './lib/images.ts';
import { AUTH, ROOT_KEY, request, startOrigo, tempDir } from './lib/origo.ts';
import { REPO_DIR } from './lib/proc.ts';
import { fmt, median, type Row } from './lib/report.ts';

export const FILES = 1000;
export const CONCURRENCY = 4;
const ROUNDS = Number(process.env['BENCH_CLIENT_ROUNDS'] ?? 5);
const ORIGO_BIN = path.join(REPO_DIR, 'packages/client/bin/origo.js');
const BARE_SCRIPT = path.join(REPO_DIR, 'bench/baseline-upload-script.mjs');

/** `count` distinct small JPEGs (the same picture, a different comment each), about 1 kB each. */
export async function smallJpegs(count: number): Promise<Buffer[]> {
  const base = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 90, b: 40 } } })
    .jpeg()
    .toBuffer();
  return Array.from({ length: count }, (_, i) => withComment(base, `bench image ${i}`));
}

export async function createOrganization(url: string, name: string): Promise<void> {
  const res = await request(url, 'PUT', `/organizations/${name}`, {
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ billing_email: 'bench@example.com', display_name: name })),
  });
  if (res.status !== 200) throw new Error(`creating organization ${name}: ${res.status} ${res.body.toString()}`);
}

async function* each<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/** The bare loop in this process: read the file, post it as multipart with fetch, check the status. */
async function bareUploads(url: string, org: string, files: readonly string[]): Promise<void> {
  await eachConcurrently(each(files), CONCURRENCY, async (file) => {
    const form = new FormData();
    form.append('filedata', new Blob([new Uint8Array(await readFile(file))]), path.basename(file));
    const res = await fetch(`${url}/sourceimages/${org}`, { method: 'POST', headers: AUTH, body: form });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`bare upload of ${file}: ${res.status}`);
  });
}

async function sdkUploads(url: string, org: string, files: readonly string[]): Promise<void> {
  const client = new OrigoClient({ url, apiKey: ROOT_KEY });
  await eachConcurrently(each(files), CONCURRENCY, async (file) => {
    await client.createSourceImage(org, path.basename(file), { path: file });
  });
}

/** Whether the built `origo` command has an `upload` subcommand. */
function cliHasUpload(): boolean {
  if (!existsSync(path.join(REPO_DIR, 'packages/client/dist/cli/main.js'))) return false;
  return spawnSync(process.execPath, [ORIGO_BIN, 'upload', '--help'], { stdio: 'ignore' }).status === 0;
}

function cliUploads(url: string, org: string, dir: string): void {
  const res = spawnSync(
    process.execPath,
    [ORIGO_BIN, 'upload', dir, '--org', org, '--concurrency', String(CONCURRENCY)],
    {
      env: { ...process.env, ORIGO_URL: url, ORIGO_API_KEY: ROOT_KEY },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (res.status !== 0) throw new Error(`origo upload exited ${res.status}: ${res.stderr.toString().slice(-2000)}`);
}

function bareScriptUploads(url: string, org: string, dir: string): void {
  const res = spawnSync(process.execPath, [BARE_SCRIPT, dir, url, org, String(CONCURRENCY), ROOT_KEY], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (res.status !== 0) throw new Error(`the bare script exited ${res.status}: ${res.stderr.toString().slice(-2000)}`);
}

async function timed(run: () => Promise<void> | void): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function benchUpload(): Promise<Row[]> {
  const origo = await startOrigo({ ORIGO_LOG_LEVEL: 'warn' });
  try {
    const dir = tempDir('origo-bench-client-files-');
    const jpegs = await smallJpegs(FILES);
    const averageKb = jpegs.reduce((sum, b) => sum + b.length, 0) / jpegs.length / 1000;
    const files = jpegs.map((bytes, i) => {
      const file = path.join(dir, `image-${String(i).padStart(4, '0')}.jpg`);
      writeFileSync(file, bytes);
      return file;
    });
    const url = origo.child.url;
    // The command when it is built (what users run), and always the SDK call under it, to tell their costs apart.
    const cli = cliHasUpload();
    // Each measured thing with the baseline it is compared with: the command (a process) against
    // the bare script (a process), the SDK call (in this process) against the bare loop (in this process).
    const variants: { label: string; baseline: string; run: (org: string) => Promise<void> | void }[] = [
      ...(cli
        ? [{ label: 'origo upload', baseline: 'bare script', run: (org: string) => cliUploads(url, org, dir) }]
        : []),
      { label: 'SDK createSourceImage', baseline: 'bare loop', run: (org: string) => sdkUploads(url, org, files) },
    ];
    const baselines = [
      ...(cli ? [{ label: 'bare script', run: (org: string) => bareScriptUploads(url, org, dir) }] : []),
      { label: 'bare loop', run: (org: string) => bareUploads(url, org, files) },
    ];
    const everything = [...variants, ...baselines];
    const took = new Map<string, number[]>(everything.map((v): [string, number[]] => [v.label, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const v of everything) {
        const org = `${v.label.replaceAll(' ', '-').toLowerCase()}-${round}`;
        await createOrganization(url, org);
        const ms = await timed(() => v.run(org));
        if (round > 0) took.get(v.label)!.push(ms); // round 0 is the warm-up: connections, JIT
      }
    }
    const rate = (label: string) => FILES / (median(took.get(label)!) / 1000);
    return variants.map((v) => {
      const ratio = rate(v.label) / rate(v.baseline);
      return {
        bench: 'client-upload',
        metric: `uploads/s, ${FILES} JPEGs of ${fmt(averageKb, 1)} kB, concurrency ${CONCURRENCY}`,
        origo: `${fmt(rate(v.label))} (${v.label})`,
        baseline: `${fmt(rate(v.baseline))} (${v.baseline}, plain fetch)`,
        ratio: `${fmt(ratio, 3)}×`,
        target: '≥ 0.8×',
        met: ratio >= 0.8,
        notes: `${v.label}: median of ${ROUNDS} runs each, alternating with the others, after a warm-up`,
      };
    });
  } finally {
    await origo.close();
  }
}
