// Child processes (origo and the baselines) and what /proc says about them.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GcTotals } from './gc-probe.ts';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = path.dirname(BENCH_DIR);

export interface Child {
  name: string;
  pid: number;
  port: number;
  url: string;
  proc: ChildProcess;
  /** The last output lines of the child, for error messages. */
  output(): string;
  /** The child's garbage collection totals so far (see gc-probe.ts). */
  gc(): Promise<GcTotals | undefined>;
  stop(): Promise<void>;
}

/** Starts `node --import tsx bench/<script>` with `env` and waits for it to report its port. */
export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
  nodeFlags: string[] = [],
): Promise<Child> {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(BENCH_DIR, script)], {
    cwd: REPO_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${tail}`)),
      timeoutMs,
    );
    const onMessage = (msg: unknown) => {
      const m = msg as { type?: string; port?: number };
      if (m.type === 'ready' && typeof m.port === 'number') {
        cleanup();
        resolve(m.port);
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tail}`));
    const cleanup = () => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
    };
    const fail = (err: Error) => {
      cleanup();
      proc.kill('SIGKILL');
      reject(err);
    };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
  });

  const pid = proc.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    output: () => tail,
    gc: () =>
      new Promise<GcTotals | undefined>((resolve) => {
        if (!proc.connected) return resolve(undefined);
        const timer = setTimeout(() => {
          proc.off('message', onMessage);
          resolve(undefined);
        }, 2000);
        const onMessage = (msg: unknown) => {
          const m = msg as GcTotals & { type?: string };
          if (m.type !== 'gc') return;
          clearTimeout(timer);
          proc.off('message', onMessage);
          resolve({ minor: m.minor, major: m.major, pauseMs: m.pauseMs });
        };
        proc.on('message', onMessage);
        proc.send({ type: 'gc?' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on Linux everywhere in practice). */
const CLK_TCK = 100;

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" of the command name: state is field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export interface Memory {
  /** Resident set size. */
  rss: number;
  /** Peak RSS since start or the last resetPeakRss. */
  hwm: number;
  /** Resident anonymous memory (heap, buffers). */
  anon: number;
  /** Resident file-backed pages mapped by the process (e.g. an mmapped file). */
  file: number;
}

/** Resident set size, its parts and its high-water mark, in bytes, from /proc/<pid>/status. */
export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, own processes). Returns whether it worked. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Machine-wide CPU time so far, in ms: busy (all processes and the kernel) and stolen by the hypervisor. */
export function machineCpuMs(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const tick = 1000 / CLK_TCK;
  return {
    busy: ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) * tick,
    steal: (steal ?? 0) * tick,
  };
}
