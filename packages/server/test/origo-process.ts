// Real origo processes for tests that need more than one server, or one to
// kill: `node bin/origo-server.js <command>` (the compiled server in dist/,
// which the test setup builds) with the given settings. Every wait is for an
// event (a log line, an exit) with a generous deadline: a loaded 2-core
// machine starts a process slowly.

import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const serverDir = path.resolve(import.meta.dirname, '..');
/** Longest wait for a start or an exit. */
export const PROCESS_START_MS = 90_000;

export interface OrigoProcess {
  child: ChildProcess;
  output(): string;
  /** How it ended, and when (ms since the epoch, for tests timing a stop). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The URL it listens on, once it says so; rejects if it exits first. */
  listening(): Promise<string>;
  /** Sends `signal` (if still running) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const started = new Set<OrigoProcess>();

export function startOrigo(env: Record<string, string>, args: string[] = ['start']): OrigoProcess {
  const child = spawn(process.execPath, ['bin/origo-server.js', ...args], {
    cwd: serverDir,
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', ORIGO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const proc: OrigoProcess = {
    child,
    output: () => out,
    exited,
    async listening() {
      const end = Date.now() + PROCESS_START_MS;
      for (;;) {
        const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        if (url !== undefined) return url;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`origo exited (${child.exitCode ?? child.signalCode}) before listening:\n${out}`);
        if (Date.now() > end) throw new Error(`origo did not listen within ${PROCESS_START_MS / 1000} s:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      started.delete(proc);
      return result;
    },
  };
  started.add(proc);
  return proc;
}

/** Kills every process started here that is still running: for afterEach. */
export async function killAllOrigo(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop('SIGKILL')));
}
