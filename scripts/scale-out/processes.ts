// Child processes of the scale-out harness, and the guarantee that none of them
// outlives the Node process that started them: on a normal exit, a crash, or
// SIGINT/SIGTERM/SIGHUP every server is stopped and every temp dir removed.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './install.ts';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once the process has exited, with its code or signal. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
  /** Sends `signal`, waits up to `graceMs` for the exit, then kills the whole process group. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const cleanups: Array<() => Promise<void>> = [];
let hooksInstalled = false;
let signalExitCode: number | undefined;

/** 128 + the signal number once SIGINT/SIGTERM/SIGHUP arrived, so callers exit the way the shell expects. */
export function exitCodeAfterSignal(): number | undefined {
  return signalExitCode;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function killGroupNow(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Servers are spawned detached, so each leads its own process group (postgres backends included).
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' runs on normal exit and after an uncaught exception: only synchronous work is possible.
  process.on('exit', () => {
    for (const child of liveChildren) killGroupNow(child);
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  for (const signal of Object.keys(SIGNAL_NUMBERS) as NodeJS.Signals[]) {
    process.on(signal, () => {
      const exitCode = 128 + SIGNAL_NUMBERS[signal]!;
      if (signalExitCode !== undefined) process.exit(signalExitCode); // second signal: the 'exit' hook kills what is left
      signalExitCode = exitCode;
      console.error(`[scale-out] ${signal}: stopping the servers`);
      void runCleanups().finally(() => process.exit(signalExitCode));
    });
  }
}

/** Runs every registered cleanup, newest first (the test child before the servers it uses). */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup();
    } catch (error) {
      console.error(`[scale-out] cleanup failed: ${(error as Error).message}`);
    }
  }
}

/** Registers work to do on SIGINT/SIGTERM/SIGHUP before the process exits. */
export function onShutdown(cleanup: () => Promise<void>): () => void {
  installHooks();
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/**
 * Kills the detached `child`'s whole process group if this process exits first,
 * and offers a way to stop that group (leader, its children and grandchildren).
 */
export function trackProcessGroup(child: ChildProcess): { killGroup(signal: NodeJS.Signals): void } {
  installHooks();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return {
    killGroup(signal) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // group already empty
      }
    },
  };
}

const OWNER_FILE = 'owner.pid';

/**
 * Creates a temp dir `<tmpdir>/<prefix>XXXXXX` that is removed if the process exits before
 * its owner removes it. Dirs of the same prefix left by a process that was SIGKILLed
 * (no hook could run) are removed first, when their owner.pid names no live process.
 */
export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  installHooks();
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const stale = join(tmpdir(), name);
    const owner = Number(readFileSafely(join(stale, OWNER_FILE)));
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
      rmSync(stale, { recursive: true, force: true, maxRetries: 5 });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  tempDirs.add(dir);
  return {
    dir,
    remove() {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      tempDirs.delete(dir);
    },
  };
}

function readFileSafely(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, just someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function logTail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd();
  const tail = text.split('\n').slice(-lines).join('\n');
  return tail === '' ? `(${file} is empty)` : tail;
}

function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/** Starts a long-running server with stdout and stderr appended to `logFile`. */
export function spawnServer(
  name: string,
  command: string,
  args: string[],
  options: { logFile: string; cwd: string; runAs?: RunAs | undefined; env?: NodeJS.ProcessEnv },
): ServerProcess {
  installHooks();
  const logFd = openSync(options.logFile, 'a');
  // setpriv (util-linux, always on Debian) makes the kernel SIGKILL the server if this
  // process dies without running any hook (SIGKILL, OOM killer): no orphan even then.
  const setpriv = findExecutable('setpriv');
  const argv = setpriv ? [setpriv, '--pdeathsig', 'KILL', '--', command, ...args] : [command, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', logFd, logFd],
    // Own process group: a Ctrl-C in the terminal reaches the runner, which stops servers in order.
    detached: true,
    ...(options.runAs ?? {}),
  });
  closeSync(logFd);
  if (child.pid === undefined) {
    // spawn reports ENOENT/EACCES asynchronously; the pid is missing in that case.
    throw new Error(`could not start ${name} (${command}): not executable or not found`);
  }
  liveChildren.add(child);
  let exitedAs: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      exitedAs = exitDescription(code, signal);
      resolve(exitedAs);
    });
  });
  child.once('error', () => {
    // reported through 'exit' or the missing pid
  });
  const pid = child.pid;
  return {
    name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => exitedAs !== undefined,
    async stop(signal, graceMs) {
      if (exitedAs !== undefined) return;
      try {
        process.kill(pid, signal);
      } catch {
        // exited between the check and the signal
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        console.error(`[scale-out] ${name} ignored ${signal} for ${graceMs} ms: SIGKILL`);
        killGroupNow(child);
        await exited;
      } else {
        // A clean exit of the leader may leave workers in its group (postgres backends): reap them.
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // group already empty
        }
      }
    },
  };
}

/**
 * The setup commands of one server, so that stopping it mid-start (SIGINT during
 * initdb, say) kills them and waits for them before its temp dir is removed.
 */
export class CommandScope {
  readonly #aborter = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  get signal(): AbortSignal {
    return this.#aborter.signal;
  }

  track<T>(command: Promise<T>): Promise<T> {
    const settled = command.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(settled);
    void settled.then(() => this.#running.delete(settled));
    return command;
  }

  async abort(): Promise<void> {
    this.#aborter.abort();
    await Promise.all(this.#running);
  }
}

/** Runs a short-lived command to completion; rejects with its output when it fails or overruns. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; runAs?: RunAs | undefined; input?: string; scope?: CommandScope },
): Promise<string> {
  installHooks();
  const running = new Promise<string>((resolve, reject) => {
    if (options.scope?.signal.aborted) return reject(new Error(`not running \`${command}\`: the server is stopping`));
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.runAs ?? {}),
      ...(options.scope ? { signal: options.scope.signal, killSignal: 'SIGKILL' as const } : {}),
    });
    liveChildren.add(child);
    let output = '';
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const shown = `${command} ${args.join(' ')}`;
    child.once('error', (error) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      reject(new Error(`could not run \`${shown}\`: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      if (code === 0) return resolve(stdout);
      const why = signal === 'SIGKILL' ? `timed out after ${options.timeoutMs} ms` : exitDescription(code, signal);
      reject(new Error(`\`${shown}\` failed (${why}):\n${output.trimEnd().split('\n').slice(-30).join('\n')}`));
    });
  });
  return options.scope ? options.scope.track(running) : running;
}
