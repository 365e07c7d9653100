// Registers `origo import` and `origo export`, which live in their own
// modules (commands/import.ts, commands/export.ts). They are loaded by a
// computed specifier so the program still builds and runs while they are
// absent: a missing module leaves the command out rather than breaking the CLI.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { errorCode, errorMessage } from './errno.ts';

// The same extension as this file: .ts when run from source, .js from dist/.
const extension = path.extname(new URL(import.meta.url).pathname);

async function loadExport(moduleName: string, exportName: string): Promise<unknown> {
  const url = new URL(`./commands/${moduleName}${extension}`, import.meta.url);
  try {
    const mod: Record<string, unknown> = await import(url.href);
    return mod[exportName];
  } catch (err) {
    // Only the module itself missing; a module it imports missing is a fault to report.
    const missingItself =
      errorCode(err) === 'ERR_MODULE_NOT_FOUND' && errorMessage(err).includes(`'${fileURLToPath(url)}'`);
    if (missingItself) return undefined;
    throw err;
  }
}

/**
 * Accepts either form the mover modules may take: a ready Command, a
 * factory returning one, or a function that registers itself on `program`.
 */
function attach(program: Command, exported: unknown): void {
  if (exported instanceof Command) {
    program.addCommand(exported);
    return;
  }
  if (typeof exported !== 'function') return;
  const before = program.commands.length;
  const made: unknown = exported(program);
  if (made instanceof Command && program.commands.length === before && !program.commands.includes(made)) {
    program.addCommand(made);
  }
}

export async function registerMovers(program: Command): Promise<void> {
  attach(program, await loadExport('import', 'importCommand'));
  attach(program, await loadExport('export', 'exportCommand'));
}
