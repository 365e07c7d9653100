// Runs `origo import`/`origo export` as a child process with a clean
// environment (its own config folder, no ORIGO_* from the developer's shell):
// the built `origo` command when the CLI's program is in the tree (built
// first by its build-cli.ts when stale), else move-cli-program.ts, a stand-in
// with the same global options, for a branch without the program.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(HERE, '../bin/origo.js');
const STAND_IN = path.join(HERE, 'move-cli-program.ts');
const BUILD_CLI = path.join(HERE, 'build-cli.ts');
const HAS_PROGRAM = existsSync(path.join(HERE, '../src/cli/main.ts')) && existsSync(BUILD_CLI);

if (HAS_PROGRAM) {
  const build: { ensureClientBuilt?: unknown } = await import(BUILD_CLI);
  if (typeof build.ensureClientBuilt === 'function') build.ensureClientBuilt();
}

/** An empty config home for every run of this test file, so none reads the developer's ~/.config; removed after the file's tests. */
const CONFIG_HOME = mkdtempSync(path.join(os.tmpdir(), 'origo-move-cli-config-'));
afterAll(() => rmSync(CONFIG_HOME, { recursive: true, force: true }));

/** How node runs `origo`: the built command, or the stand-in through tsx. */
const COMMAND = HAS_PROGRAM ? [BIN] : ['--import', 'tsx', STAND_IN];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningOrigo {
  child: ChildProcess;
  /** Resolves when `pattern` has appeared in stderr (progress lines go there). */
  waitForStderr(pattern: RegExp): Promise<void>;
  done: Promise<CliResult>;
}

export function startOrigo(args: readonly string[], env: Record<string, string> = {}): RunningOrigo {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ORIGO_')) clean[k] = v;
  const child = spawn(process.execPath, [...COMMAND, ...args], {
    env: { ...clean, XDG_CONFIG_HOME: CONFIG_HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    waitForStderr(pattern) {
      if (pattern.test(stderr)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`origo ended before ${pattern} appeared; stderr:\n${stderr}`)));
      });
    },
  };
}

/** Runs `origo …` to its end. */
export const runOrigo = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> =>
  startOrigo(args, env).done;

/** The address of a loopback port nothing listens on (just freed), for "server down". */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
