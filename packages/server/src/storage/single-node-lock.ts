// One origo server per data folder while the catalog is the embedded SQLite
// file: SQLite has one writer, the read cache assumes this process is it, and
// two servers would each sweep blobs the other is committing. Several nodes
// need PostgreSQL (ORIGO_DATABASE_URL) and a shared blob store instead.
//
// Two files in the data folder:
//
//  - `server.lock`, an empty SQLite database on which the server holds an
//    exclusive lock for its whole life. The lock is the kernel's (POSIX
//    record locks, which SQLite uses): it is released when the process ends
//    however it ends, kill -9 and crashes included, so there is no stale lock
//    to judge on this host, no pid to trust, and two servers starting at the
//    same instant cannot both win. NFSv4 (and v3 with lockd) share these
//    locks between hosts, so a server on another host is seen too.
//  - `server.lock.json`, who holds it: pid, host, start and a heartbeat
//    rewritten every few seconds. It names the holder in the refusal, and it
//    catches a server on another host where the file system does not share
//    locks (an NFS mount with `nolock`, some FUSE file systems): a record of
//    another host whose heartbeat is fresh refuses the start even though the
//    lock was granted. A crashed server's record goes stale after
//    STALE_AFTER_MS and is then taken over.
//
// The read-only scrub (`origo-server scrub`) takes neither: it may run beside
// the server. The lock file is never deleted: a process about to lock the
// old file while another made a new one would give two holders.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export const LOCK_FILE = 'server.lock';
export const HOLDER_FILE = 'server.lock.json';
/** How often the holder's heartbeat is rewritten. */
export const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this is a server that is gone (six missed beats: generous for a stalled disk or event loop). */
export const STALE_AFTER_MS = 30_000;

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO 8601 times. */
  startedAt: string;
  heartbeatAt: string;
  /** Tells this holding from an earlier one with the same pid and host. */
  id: string;
}

/** Another server holds the data folder; the message says which and what to do. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
  }
}

export interface SingleNodeLock {
  readonly holder: LockHolder;
  /** Stops the heartbeat, removes the holder record and lets the lock go. */
  release(): void;
}

export interface LockOptions {
  /** Called (once) when the holder record turns out to name another server: someone started beside this one where locks are not shared. */
  onIntruder?: (message: string, intruder: LockHolder) => void;
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** This host's name (tests give another to play a second host). */
  host?: string;
  now?: () => Date;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.heartbeatAt !== 'string')
      return undefined;
    return parsed as LockHolder;
  } catch {
    // Missing, or half-written by a server killed mid-write (the rename below makes that rare): nobody to name.
    return undefined;
  }
}

/** Replaces the record in one rename, so a reader never sees half of it. */
function writeHolder(file: string, holder: LockHolder): void {
  const temp = `${file}.${holder.pid}.${holder.id}.tmp`;
  writeFileSync(temp, `${JSON.stringify(holder)}\n`);
  renameSync(temp, file);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SEVERAL_NODES =
  'to run several origo nodes, give every node ORIGO_DATABASE_URL (PostgreSQL) and the same S3 store (ORIGO_S3_*), and each its own ORIGO_DATA_DIR';

function describe(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'another origo server';
  return `another origo server (pid ${holder.pid} on host ${holder.host}, running since ${holder.startedAt})`;
}

/**
 * Takes the data folder for this server, or throws DataDirInUseError naming
 * the server that has it. Only for the embedded SQLite catalog.
 */
export function lockDataDir(dataDir: string, options: LockOptions = {}): SingleNodeLock {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? os.hostname();
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, LOCK_FILE);
  const holderFile = path.join(dataDir, HOLDER_FILE);

  // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting for it.
  const lock = new BetterSqlite3(lockFile, { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw err;
    const holder = readHolder(holderFile);
    throw new DataDirInUseError(
      `${describe(holder)} is using the data folder ${dataDir} (ORIGO_DATA_DIR), whose embedded SQLite catalog allows one server only. Stop that server first, or give this one another ORIGO_DATA_DIR; ${SEVERAL_NODES}`,
      holder,
    );
  }

  const previous = readHolder(holderFile);
  if (previous !== undefined) {
    const ageMs = now().getTime() - Date.parse(previous.heartbeatAt);
    const fresh = !(ageMs >= staleAfterMs); // a time that does not parse counts as fresh: refuse rather than guess
    const elsewhere = previous.host !== host;
    // The lock was ours, yet a fresh record names a live server: the file system does not share locks with it.
    if (fresh && (elsewhere || (previous.pid !== process.pid && isAlive(previous.pid)))) {
      lock.close();
      const waitS = Math.max(1, Math.ceil((staleAfterMs - Math.max(0, ageMs)) / 1000));
      throw new DataDirInUseError(
        `${describe(previous)} is using the data folder ${dataDir} (ORIGO_DATA_DIR): its heartbeat in ${holderFile} is ${Math.max(0, Math.round(ageMs / 1000))} s old, and this file system does not share its lock. The embedded SQLite catalog allows one server only: stop that server first (if it is gone, start again in ${waitS} s, once its heartbeat is ${staleAfterMs / 1000} s old); ${SEVERAL_NODES}`,
        previous,
      );
    }
  }

  const startedAt = now().toISOString();
  const holder: LockHolder = {
    pid: process.pid,
    host,
    startedAt,
    heartbeatAt: startedAt,
    id: randomBytes(8).toString('hex'),
  };
  try {
    writeHolder(holderFile, holder);
  } catch (err) {
    lock.close();
    throw err;
  }

  let intruderSeen = false;
  const beat = () => {
    const onDisk = readHolder(holderFile);
    if (onDisk !== undefined && onDisk.id !== holder.id && !intruderSeen) {
      intruderSeen = true;
      options.onIntruder?.(
        `${describe(onDisk)} started on the data folder ${dataDir} beside this one, on a file system that does not share locks: stop one of them now, the embedded SQLite catalog allows one server only`,
        onDisk,
      );
    }
    try {
      writeHolder(holderFile, { ...holder, heartbeatAt: now().toISOString() });
    } catch {
      // A full or read-only disk: the next beat tries again, and the lock itself still holds.
    }
  };
  const timer = setInterval(beat, options.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();

  let released = false;
  return {
    holder,
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (readHolder(holderFile)?.id === holder.id) rmSync(holderFile, { force: true });
      lock.close();
    },
  };
}
