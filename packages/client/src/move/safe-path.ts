// Where a manifest's file really is, refusing any that would reach outside
// the export folder: absolute paths, `..` segments, and symbolic links (of
// the file or of a folder on its way) that lead out of it. A manifest may come
// from anyone, so its paths are treated as untrusted input.

import { realpath } from 'node:fs/promises';
import path from 'node:path';

export type ResolvedFile = { ok: true; path: string } | { ok: false; reason: string };

export async function resolveInside(dir: string, file: string): Promise<ResolvedFile> {
  const refuse = (why: string): ResolvedFile => ({ ok: false, reason: `file ${JSON.stringify(file)} ${why}` });
  if (file.includes('\0')) return refuse('has a NUL character');
  if (path.isAbsolute(file) || path.win32.isAbsolute(file)) {
    return refuse('is an absolute path; files must be inside the export folder');
  }
  if (file.split(/[\\/]/).includes('..')) return refuse('climbs out of the export folder with ".."');
  let realDir: string;
  let real: string;
  try {
    realDir = await realpath(dir);
    real = await realpath(path.join(realDir, file));
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    return refuse(code === 'ENOENT' ? 'does not exist in the export folder' : `cannot be read (${String(code)})`);
  }
  if (!real.startsWith(realDir + path.sep)) return refuse('is a symbolic link leading outside the export folder');
  return { ok: true, path: real };
}
