// Child process: an origo server as main.ts builds it (config from the
// environment, default logger, SQLite + fs blob store), listening on a free
// loopback port. It reports its port on the IPC channel (when started by
// run.ts) and as `PORT=<n>` on stdout; SIGTERM closes it cleanly.
//
//   ORIGO_DATA_DIR=/tmp/x ORIGO_ROOT_KEY=... node --import tsx bench/server-proc.ts

import type { AddressInfo } from 'node:net';
import { buildApp } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { loadRootKey } from '../packages/server/src/service/root-key.ts';
import { closeStorage, openStorage } from '../packages/server/src/storage/index.ts';
import './lib/gc-probe.ts';

const config = loadConfig({ ...process.env, PORT: process.env['PORT'] ?? '0' });
const storage = await openStorage(config);
const rootKey = await loadRootKey(config, storage.accounts);
const app = await buildApp({ config, storage, rootKeyDigest: rootKey.digest });
await app.listen({ host: '127.0.0.1', port: config.port });
const { port } = app.server.address() as AddressInfo;

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.close();
  await closeStorage(storage);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());

process.stdout.write(`PORT=${port}\n`);
process.send?.({ type: 'ready', port });
