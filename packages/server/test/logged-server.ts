// A test server whose application log is kept, for tests that check what an
// operator is told.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { keyDigest } from '../src/service/auth.ts';
import { closeStorage, openStorage } from '../src/storage/index.ts';
import { ROOT_KEY, type TestServer } from './helpers.ts';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface LoggedServer extends TestServer {
  logLines(): LogLine[];
}

/** pino's number for the error level. */
export const ERROR_LEVEL = 50;

export async function startLoggedServer(env: Record<string, string> = {}): Promise<LoggedServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-test-'));
  const config = loadConfig({ ORIGO_DATA_DIR: dataDir, ORIGO_LOG_LEVEL: 'info', ...env });
  const storage = await openStorage(config);
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const lines: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const text = partial + String(chunk);
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== ''));
      done();
    },
  });
  const app = await buildApp({ config, storage, rootKeyDigest: keyDigest(ROOT_KEY), now, logger: { level: 'info', stream } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    storage,
    config,
    deps: app.deps,
    dataDir,
    advanceClock(ms) {
      offset += ms;
    },
    async close() {
      await app.close();
      await closeStorage(storage);
      rmSync(dataDir, { recursive: true, force: true });
    },
    logLines: () => lines.map((l) => JSON.parse(l) as LogLine),
  };
}

/** The file of a blob in a data folder, found by its name (sha1-sha256), not by rebuilding the store's layout. */
export function blobPathOf(dataDir: string, binaryHash: string): string {
  const root = path.join(dataDir, 'blobs');
  const rel = readdirSync(root, { recursive: true })
    .map(String)
    .find((p) => !p.startsWith('.tmp') && path.basename(p).startsWith(`${binaryHash}-`));
  if (!rel) throw new Error(`no blob for ${binaryHash} under ${root}`);
  return path.join(root, rel);
}
