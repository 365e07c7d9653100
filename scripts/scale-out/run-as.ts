// The account a server runs under: initdb and postgres refuse to run as root.
import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import type { RunAs } from './processes.ts';

/** The named system user when we are root, else undefined (run as ourselves). */
export function unprivilegedUser(name: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`running as root, but there is no \`${name}\` user to run the server as (install its package)`);
  }
}

export function giveTo(runAs: RunAs | undefined, ...paths: string[]): void {
  if (!runAs) return;
  for (const path of paths) chownSync(path, runAs.uid, runAs.gid);
}
