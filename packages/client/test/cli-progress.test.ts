// The progress of `origo upload` and `origo download` with a large file and
// no terminal (stderr a pipe, as in a log): plain lines while the file is on
// its way, its bytes counted as they move rather than all at once at its end.
// The built command as a child process against a real origo.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, png, ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, runCli } from './cli-run.ts';
import { pngChunk } from './png-chunk.ts';

const MB = 1_000_000;

let server: TestServer;
let env: NodeJS.ProcessEnv;
let work: string;
let bigFile: string;
let bigSize: number;

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
  env = cleanEnv({ ORIGO_URL: server.url, ORIGO_API_KEY: ROOT_KEY });
  work = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-progress-'));
  await createOrg(server, 'big');
  // A 16×16 image carrying 12 MB of random bytes after its header (signature 8 + IHDR 25).
  const small = await png(7);
  const bytes = Buffer.concat([small.subarray(0, 33), pngChunk('prVt', randomBytes(12 * MB)), small.subarray(33)]);
  bigFile = path.join(work, 'big.png');
  writeFileSync(bigFile, bytes);
  bigSize = bytes.length;
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface MovingLine {
  percent: number;
  mb: number;
}

/** The plain lines `<verb> <file> N% (0/1 files, X MB/…)` in the order written. */
function movingLines(stderr: string, verb: string, file: string): MovingLine[] {
  const lines: MovingLine[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^(\S+) (.+) (\d+)% \(0\/1 files, ([\d.]+) MB\/12\.0 MB, /.exec(line);
    if (m && m[1] === verb && m[2] === file) lines.push({ percent: Number(m[3]), mb: Number(m[4]) });
  }
  return lines;
}

function expectMovingBeforeDone(stderr: string, verb: string, file: string, doneWord: string): void {
  const lines = movingLines(stderr, verb, file);
  // A line at every tenth of the file on its way; at least a few of them, however the chunks fall.
  expect(lines.length, stderr).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < lines.length; i++) {
    expect(lines[i]!.percent).toBeGreaterThan(lines[i - 1]!.percent);
    expect(lines[i]!.mb).toBeGreaterThanOrEqual(lines[i - 1]!.mb);
  }
  expect(lines.at(-1)!.percent).toBeLessThan(100);
  expect(lines[0]!.mb).toBeLessThan(12);
  const lastMoving = stderr.lastIndexOf(`${verb} ${file} `);
  const done = stderr.indexOf(`${doneWord} ${file} `);
  expect(done, stderr).toBeGreaterThan(lastMoving);
  expect(stderr.slice(done)).toMatch(/^\S+ .+ \(1\/1 files, 12\.0 MB\/12\.0 MB, /);
}

describe('progress without a terminal', () => {
  it('upload prints lines while a large file is sent, then its stored line', async () => {
    const res = await runCli(['upload', bigFile, '--org', 'big'], env);
    expect(res.code, res.stderr).toBe(0);
    expectMovingBeforeDone(res.stderr, 'sending', bigFile, 'stored');
  }, 120_000);

  it('download prints lines while a large file is received, then its downloaded line', async () => {
    const out = path.join(work, 'out');
    const res = await runCli(['download', '--org', 'big', '--search', 'format=png', '--out', out], env);
    expect(res.code, res.stderr).toBe(0);
    const file = path.join(out, 'big.png');
    expectMovingBeforeDone(res.stderr, 'receiving', file, 'downloaded');
    expect(bigSize).toBeGreaterThan(12 * MB);
  }, 120_000);
});
