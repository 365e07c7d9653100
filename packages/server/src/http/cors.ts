// CORS for browser clients (the rokka dashboard, rokka.js in a browser):
// allowed origins from ORIGO_CORS_ORIGINS, preflights answered without a key.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from './access.ts';

const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, COPY, OPTIONS';
const REQUEST_HEADERS =
  'Api-Key, Api-Version, Authorization, Content-Type, Destination, Overwrite, Range, If-None-Match, If-Range';
const EXPOSED = 'Location, Content-Disposition, Content-Range, ETag, Warning, Retry-After';

/**
 * What adds the CORS headers to a request's answer, or undefined when no
 * origin is allowed. Run for every request before authentication
 * (request-hooks.ts), so that refusals carry them too.
 */
export function corsHeaders(origins: string[]): ((request: FastifyRequest, reply: FastifyReply) => void) | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes('*');
  return (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || (!any && !origins.includes(origin))) return;
    // Keys travel in headers, never cookies, so credentials are not allowed.
    reply.header('access-control-allow-origin', any ? '*' : origin);
    if (!any) reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', EXPOSED);
  };
}

/** Preflights, answered without a key; registered after authentication so it declares its access like every route. */
export function registerCorsPreflight(app: FastifyInstance, origins: string[]): void {
  if (origins.length === 0) return;
  app.options('/*', { config: { access: PUBLIC }, schema: { hide: true } }, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', METHODS)
      .header('access-control-allow-headers', REQUEST_HEADERS)
      .header('access-control-max-age', '600')
      .send(),
  );
}
