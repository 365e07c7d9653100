// Expands upload arguments (files, folders, glob patterns) into the list of
// files to send, each with its size for the progress bar.

import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from './errno.ts';
import { usageError } from './exit-codes.ts';
import { globBase, globToRegExp, isGlob } from './glob.ts';

export interface FileEntry {
  /** The path to read, as given or found under a given folder. */
  path: string;
  size: number;
}

const toSlashes = (p: string) => p.split(path.sep).join('/');

/**
 * Every file under `dir`, depth first in name order. Names starting with "."
 * (.DS_Store, .git) are left out: they are never images a user meant to send.
 */
async function* filesUnder(dir: string): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw usageError(`cannot read folder ${dir}: ${errorMessage(err)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file)).size;
}

async function expandGlob(pattern: string): Promise<string[]> {
  const normalized = toSlashes(pattern);
  const base = globBase(normalized);
  const matcher = globToRegExp(normalized.startsWith('./') ? normalized.slice(2) : normalized);
  const found: string[] = [];
  try {
    await stat(base);
  } catch {
    return found;
  }
  for await (const file of filesUnder(base)) {
    const candidate = toSlashes(file);
    if (matcher.test(candidate)) found.push(file);
  }
  return found;
}

/** The files the arguments name, each once, in the order given. */
export async function expandInputs(args: readonly string[]): Promise<FileEntry[]> {
  const seen = new Set<string>();
  const entries: FileEntry[] = [];
  const add = async (file: string) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    entries.push({ path: file, size: await sizeOf(file) });
  };
  for (const arg of args) {
    if (isGlob(arg)) {
      const matches = await expandGlob(arg);
      if (matches.length === 0)
        throw usageError(
          `no file matches ${JSON.stringify(arg)}: check the pattern (quote it so the shell leaves it to origo)`,
        );
      for (const file of matches) await add(file);
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(arg);
    } catch {
      throw usageError(`no such file or folder: ${arg}`);
    }
    if (info.isDirectory()) {
      for await (const file of filesUnder(arg)) await add(file);
    } else {
      await add(arg);
    }
  }
  return entries;
}
