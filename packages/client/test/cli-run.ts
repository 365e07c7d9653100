// Runs the built `origo` command as a child process with a clean
// environment (its own config folder, no ORIGO_* from the developer's shell),
// and the ways the CLI tests wait on it.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORIGO_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/origo.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when `pattern` has appeared in stderr (progress lines go there). */
  waitForStderr(pattern: RegExp): Promise<string>;
  done: Promise<CliResult>;
}

/** A fresh config home, so no test reads or writes the developer's ~/.config. */
export const freshConfigHome = (): string => mkdtempSync(path.join(os.tmpdir(), 'origo-cli-config-'));

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ORIGO_')) env[k] = v;
  return { ...env, XDG_CONFIG_HOME: freshConfigHome(), ...extra };
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv(), cwd?: string): RunningCli {
  return startProgram(process.execPath, [ORIGO_BIN, ...args], env, cwd);
}

/** Any program (e.g. `script`, to give origo a terminal), watched the same way. */
export function startProgram(file: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): RunningCli {
  const child = spawn(file, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd && { cwd }),
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of [...waiters]) {
      const m = w.pattern.exec(stderr);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    waitForStderr(pattern) {
      const m = pattern.exec(stderr);
      if (m) return Promise.resolve(m[0]);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`origo ended before ${pattern} appeared; stderr:\n${stderr}`)));
      });
    },
  };
}

/** Runs `origo …` to its end. */
export const runCli = (args: readonly string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> =>
  startCli(args, env, cwd).done;

export const runProgram = (file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> =>
  startProgram(file, args, env).done;
