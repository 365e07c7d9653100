// Child process: the `get` baseline. A bare Fastify app with one route of
// the same shape as origo's metadata GET, answering with a SourceImage body
// (captured from origo, read from BENCH_BODY_FILE) kept in memory: no auth,
// no catalog, no hooks. The object is serialized per request, as origo does.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import './lib/gc-probe.ts';

const bodyFile = process.env['BENCH_BODY_FILE'];
if (!bodyFile) throw new Error('BENCH_BODY_FILE is not set');
const body = JSON.parse(readFileSync(bodyFile, 'utf8')) as Record<string, unknown>;

const app = Fastify({ logger: false });
app.get('/sourceimages/:org/:hash', (_request, reply) => {
  reply.type('application/json').send(body);
});
await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
const { port } = app.server.address() as AddressInfo;

process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
process.stdout.write(`PORT=${port}\n`);
process.send?.({ type: 'ready', port });
