// The body idle deadline (http/timeouts.ts) watches the body as earlier
// preParsing hooks left it: a hook that transforms the body (decompression,
// say) is not bypassed, and the deadline still applies to what it passes on.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { OrigoError } from '../src/errors.ts';
import { registerBodyDeadline } from '../src/http/timeouts.ts';
import { connect, parseResponse } from './raw-http.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-preparsing-'));
let app: FastifyInstance;
let url: string;
/** Called once the server has the head of a request (and so runs its hooks on a body still arriving). */
let onHead: () => void = () => {};

beforeAll(async () => {
  const config = loadConfig({ ORIGO_DATA_DIR: dataDir, ORIGO_BODY_IDLE_TIMEOUT_SECONDS: '1' });
  app = Fastify();
  app.addHook('onRequest', (_request, _reply, done) => {
    onHead();
    done();
  });
  // An earlier hook that hands on a transformed body.
  app.addHook('preParsing', (_request, _reply, payload, done) => {
    const upper = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        callback(null, Buffer.from(chunk.toString('latin1').toUpperCase(), 'latin1'));
      },
    });
    done(null, payload.pipe(upper));
  });
  registerBodyDeadline(app, config);
  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof OrigoError) return reply.status(err.status).send({ origo_code: err.code });
    return reply.status(500).send({ message: String(err) });
  });
  app.post('/echo', async (request) => ({ body: request.body }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a preParsing hook before the body deadline', () => {
  it('its transformed body is what the route reads', async () => {
    // The rest of the body only once the server has the head: the body is not complete when the hooks run.
    const conn = await connect(url);
    const body = 'hello origo';
    const headSeen = new Promise<void>((resolve) => {
      onHead = resolve;
    });
    await conn.write(
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\nhello`,
    );
    await headSeen;
    await conn.write(' origo');
    const res = parseResponse(await conn.closed());
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.json).toEqual({ body: 'HELLO ORIGO' });
  });

  it('a body that stops arriving through it still gets 408', async () => {
    const conn = await connect(url);
    await conn.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nhello');
    const res = parseResponse(await conn.closed());
    expect(res.status, res.body.toString()).toBe(408);
    expect(res.json).toEqual({ origo_code: 'ORIGO_ERR_REQUEST_TIMEOUT' });
  });
});
