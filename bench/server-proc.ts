// Child process: an origo server as main.ts builds it (config from the
// environment, default logger, SQLite + fs blob store), listening on a free
// loopback port. It reports its port on the IPC channel (when started by
// run.ts) and as `PORT=<n>` on stdout; SIGTERM closes it cleanly. The server
// is the compiled one in packages/server/dist/, as `npm start` runs it (tsx
// only runs this file: it leaves dist/'s JavaScript as it is).
//
//   ORIGO_DATA_DIR=/tmp/x ORIGO_ROOT_KEY=... node --import tsx bench/server-proc.ts

import type { AddressInfo } from 'node:net';
import { importBuiltServer } from './lib/built-server.ts';
import './lib/gc-probe.ts';

const { buildApp } = await importBuiltServer<typeof import('../packages/server/src/app.ts')>('app.js');
const { loadConfig } = await importBuiltServer<typeof import('../packages/server/src/config.ts')>('config.js');
const { loadRootKey } =
  await importBuiltServer<typeof import('../packages/server/src/service/root-key.ts')>('service/root-key.js');
const { closeStorage, openStorage } =
  await importBuiltServer<typeof import('../packages/server/src/storage/index.ts')>('storage/index.js');

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
