import { open } from 'node:fs/promises';

/** fsync of a file or directory by path: its data (a file) or its entries (a directory) are on disk after. */
export async function fsyncPath(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
