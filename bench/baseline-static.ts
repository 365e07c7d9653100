// Child process: the `download` baseline. A bare node:http server that
// streams one file (BENCH_FILE) from disk with fs.createReadStream for any
// GET, with a Content-Length, whatever the path.

import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream';
import { serveChild } from './lib/child.ts';
import './lib/gc-probe.ts';

const file = process.env['BENCH_FILE'];
if (!file) throw new Error('BENCH_FILE is not set');
const contentType = process.env['BENCH_CONTENT_TYPE'] ?? 'application/octet-stream';

const server = http.createServer((req, res) => {
  // Stat per request, as a file server would (the file could change).
  const { size } = statSync(file);
  res.writeHead(200, { 'content-type': contentType, 'content-length': size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  pipeline(createReadStream(file), res, () => {});
});
server.keepAliveTimeout = 60_000;
serveChild(server);
