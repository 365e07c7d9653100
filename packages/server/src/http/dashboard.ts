// Serves the web dashboard (packages/dashboard, built by Vite into static
// files) at /dashboard/. Any path below it that is not a built file answers
// index.html, so the dashboard's own paths (/dashboard/images/…) can be
// reloaded and bookmarked. The build is read once and kept, with the gzip form
// of each file: it is tens of kilobytes and never changes under a running node.
// Only names found in the build are served, so no request path reaches the disk.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrigoError } from '../errors.ts';
import { PUBLIC } from './access.ts';

/** The dashboard's build: packages/dashboard/dist, from src/http or dist/http alike. */
const DEFAULT_DIST = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);

/**
 * Scripts and styles only from this origin; images also from blob: (the upload previews) and any
 * origin (render URLs may be on ORIGO_RENDER_DOMAIN); API calls to this origin; never framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data: http: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

interface StaticFile {
  body: Buffer;
  gzipped: Buffer | undefined;
  type: string;
  etag: string;
}

export function registerDashboardRoutes(app: FastifyInstance, distDir: string = DEFAULT_DIST): void {
  // The whole build, by path below dist/, read at the first request (buildApp does no I/O). A
  // node started before its first build finds it at the next request, since a miss is not kept.
  let build: Promise<Map<string, StaticFile> | undefined> | undefined;
  const loadBuild = () => {
    build ??= readBuild(distDir).then((files) => {
      if (files === undefined) build = undefined;
      return files;
    });
    return build;
  };
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const wanted = (request.params as { '*'?: string })['*'] ?? '';
    const files = await loadBuild();
    const asset = files?.get(wanted);
    // A missing script of an older build must fail as a script, not arrive as the HTML page.
    if (asset === undefined && wanted.startsWith('assets/')) {
      throw new OrigoError('ORIGO_ERR_REQUEST_NOT_FOUND', `No dashboard file ${wanted}: reload the dashboard`);
    }
    const file = asset ?? files?.get('index.html');
    if (file === undefined) {
      throw new OrigoError(
        'ORIGO_ERR_DASHBOARD_NOT_BUILT',
        'The dashboard is not built on this node: run npm run build in the origo checkout, then restart',
      );
    }
    // Vite names built assets by their content: they never change, so browsers keep them.
    const immutable = wanted.startsWith('assets/');
    reply
      .header('Content-Type', file.type)
      .header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('ETag', file.etag)
      .header('Vary', 'Accept-Encoding')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer');
    if (file.type.startsWith('text/html')) {
      reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY).header('X-Frame-Options', 'DENY');
    }
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (file.gzipped !== undefined && acceptsGzip) {
      return reply.header('Content-Encoding', 'gzip').send(file.gzipped);
    }
    return reply.send(file.body);
  };

  const config = { access: PUBLIC };
  // The router ignores a trailing slash, so this route also takes /dashboard/: only the bare form
  // is sent on, because the built page's relative asset paths need the slash.
  app.get('/dashboard', { config, schema: { hide: true } }, (request, reply) =>
    request.url.split('?')[0] === '/dashboard' ? reply.redirect('/dashboard/', 301) : serve(request, reply),
  );
  app.get('/dashboard/*', { config, schema: { hide: true } }, serve);
}

/** Every file of the build, by its path below `distDir`; undefined when there is no build. */
async function readBuild(distDir: string): Promise<Map<string, StaticFile> | undefined> {
  let names: string[];
  try {
    names = await readdir(distDir, { recursive: true });
  } catch {
    return undefined;
  }
  const files = new Map<string, StaticFile>();
  for (const name of names) {
    const full = path.join(distDir, name);
    if (!(await stat(full)).isFile()) continue;
    const body = await readFile(full);
    const extension = path.extname(name).toLowerCase();
    files.set(name.split(path.sep).join('/'), {
      body,
      gzipped: COMPRESSIBLE.has(extension) ? gzipSync(body, { level: 9 }) : undefined,
      type: TYPES[extension] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    });
  }
  return files.has('index.html') ? files : undefined;
}
