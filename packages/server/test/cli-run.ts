// The origo-server command as a user runs it: a child process of the real
// launcher, tracked so a test that fails or times out leaves none running
// (call stopAllChildren after each test).

import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('../bin/origo-server.js', import.meta.url));
/** Generous: a start on a loaded 2-core machine, where other test files start servers too, can take a while. */
export const CHILD_MS = 90_000;

const children = new Set<ChildProcess>();
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Kills `child` unless it has already exited, and waits for it to be gone. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (running(child)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
  children.delete(child);
}

export async function stopAllChildren(): Promise<void> {
  for (const child of [...children]) await stopChild(child);
}

export function spawnLauncher(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ORIGO_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  return child;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI to its end; `killWhen` kills it with SIGKILL as soon as its
 * stderr so far matches. One that takes longer than CHILD_MS is killed and
 * fails the test.
 */
export function runCli(args: string[], env: Record<string, string>, killWhen?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnLauncher(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => {
      stdout += c;
    });
    child.stderr?.on('data', (c) => {
      stderr += c;
      if (killWhen?.test(stderr) && running(child)) child.kill('SIGKILL');
    });
    const deadline = setTimeout(() => {
      void stopChild(child);
      reject(
        new Error(`origo-server ${args.join(' ')} did not end within ${CHILD_MS / 1000} s:\n${stdout}\n${stderr}`),
      );
    }, CHILD_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
