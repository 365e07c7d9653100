// Child process: a context reference for `upload` (not the target's floor).
// A bare node:http server that streams each POST body (raw bytes, not
// multipart) through sha1 into a new file in BENCH_DIR, fsyncs and closes
// it, answers, then removes the file. It is what any HTTP upload costs on
// top of the in-process floor: moving the bytes through a socket.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { serveChild } from './lib/child.ts';
import './lib/gc-probe.ts';

const dir = process.env['BENCH_DIR'];
if (!dir) throw new Error('BENCH_DIR is not set');
let n = 0;

const server = http.createServer((req, res) => {
  const file = path.join(dir, `http-floor-${process.pid}-${n++}.tmp`);
  const sha1 = createHash('sha1');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sha1.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  (async () => {
    await pipeline(req, hashing, createWriteStream(file, { flags: 'wx', highWaterMark: 1024 * 1024 }));
    const fh = await open(file, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const body = JSON.stringify({ sha1: sha1.digest('hex'), size });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  })()
    .catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    })
    .finally(() => void rm(file, { force: true }));
});
serveChild(server);
