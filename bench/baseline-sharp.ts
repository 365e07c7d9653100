// Child process: the `render` baseline. A bare node:http server that, for
// any GET, runs sharp on one source image held in memory (read once from
// BENCH_FILE) and answers the encoded bytes with a Content-Length:
//
//   sharp(buf).resize(720, 588, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer()
//
// No routing, no catalog, no reading the source per request, no cache. The
// resize box and quality come from BENCH_WIDTH, BENCH_HEIGHT, BENCH_QUALITY.
// libvips gets the process settings origo gives it (probe/sharp-settings.ts:
// no operation cache, one thread per image), so the two differ by what origo
// does around sharp, not by how libvips is tuned.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import sharp from 'sharp';
import { serveChild } from './lib/child.ts';
import './lib/gc-probe.ts';

const file = process.env['BENCH_FILE'];
if (!file) throw new Error('BENCH_FILE is not set');
const source = readFileSync(file);
const width = Number(process.env['BENCH_WIDTH'] ?? 720);
const height = Number(process.env['BENCH_HEIGHT'] ?? 588);
const quality = Number(process.env['BENCH_QUALITY'] ?? 80);

sharp.cache(false);
sharp.concurrency(1);

const server = http.createServer((req, res) => {
  sharp(source)
    .resize(width, height, { fit: 'inside' })
    .jpeg({ quality })
    .toBuffer()
    .then(
      (bytes) => {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': bytes.length });
        res.end(req.method === 'HEAD' ? undefined : bytes);
      },
      (err: unknown) => {
        const message = Buffer.from(String(err));
        res.writeHead(500, { 'content-type': 'text/plain', 'content-length': message.length });
        res.end(message);
      },
    );
});
server.keepAliveTimeout = 60_000;
serveChild(server);
