// Every error leaves as rokka's error JSON (spec §7), 404 and 405 included.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, isOrigoError, OrigoError } from '../errors.ts';
import { storageFullIn } from '../storage/storage-errors.ts';
import { storageUnavailableIn } from '../storage/unavailable.ts';
import { closeAfterUnreadBody } from './early-refusal.ts';
import { sendJson } from './reply.ts';

const FASTIFY_ERRORS: Record<string, (err: FastifyError, request: FastifyRequest) => OrigoError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_err, request) =>
    new OrigoError(
      'ORIGO_ERR_REQUEST_BODY_TOO_LARGE',
      `The request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the server'} bytes for JSON bodies (ORIGO_MAX_JSON_BYTES)`,
    ),
};

function storageFull(reason: string, cause: unknown): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_STORAGE_FULL',
    `The server's storage is full (${reason}): nothing of this request was stored. Retry once space has been freed under the data folder (ORIGO_DATA_DIR); no restart is needed`,
    { cause },
  );
}

function storageUnavailable(reason: string, cause: unknown): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_STORAGE_UNAVAILABLE',
    `The server's storage cannot be used right now (${reason}); this request changed nothing. Retry later: no restart is needed once the store is back`,
    { cause },
  );
}

function toOrigoError(err: FastifyError, request: FastifyRequest): OrigoError {
  const storageFault = (e: unknown) => storageFullIn(e) !== undefined || storageUnavailableIn(e) !== undefined;
  if (isOrigoError(err) && !(err.status >= 500 && storageFault(err.cause))) return err;
  const full = storageFullIn(err);
  if (full !== undefined) return storageFull(full.reason, err);
  const unavailable = storageUnavailableIn(err);
  if (unavailable !== undefined) return storageUnavailable(unavailable.reason, err);
  const mapped = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (mapped) return mapped(err, request);
  if (err.validation) {
    return new OrigoError('ORIGO_ERR_REQUEST_BAD_PARAMETER', `Invalid request: ${err.message}`);
  }
  // Other client errors Fastify finds (e.g. a Content-Length that does not match the body).
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', err.message);
  }
  return new OrigoError('ORIGO_ERR_SERVER_INTERNAL', 'Internal server error; the server log has the details', {
    cause: err,
  });
}

/** Route patterns by method, to tell 405 (path known, method not) from 404. */
class RouteShapes {
  /** By pattern source: one shape per URL pattern, with every method registered on it. */
  private readonly shapes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(url: string, methods: string[]): void {
    const source = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const existing = this.shapes.get(source);
    if (existing) for (const m of methods) existing.methods.add(m);
    else this.shapes.set(source, { pattern: new RegExp(`^${source}/?$`), methods: new Set(methods) });
  }

  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const shape of this.shapes.values()) {
      if (shape.pattern.test(path)) for (const m of shape.methods) methods.add(m);
    }
    return [...methods].sort();
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  const shapes = new RouteShapes();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    shapes.add(route.url, methods.map(String));
  });

  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const error = toOrigoError(err, request);
    if (error.code === 'ORIGO_ERR_STORAGE_FULL') {
      request.log.error(
        { err, dataDir: request.server.deps.config.dataDir },
        'storage full: free space under the data folder; nothing of this request was stored',
      );
    } else if (error.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: error.code, status: error.status }, error.message);
    // An answer before the body is read (an upload refused early) closes the
    // connection once the client has had its chance to finish sending.
    closeAfterUnreadBody(request, reply);
    return sendError(reply, error);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = shapes.allowed(path);
    const error =
      allowed.length > 0
        ? new OrigoError(
            'ORIGO_ERR_REQUEST_METHOD_NOT_ALLOWED',
            `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
            {
              headers: { allow: allowed.join(', ') },
            },
          )
        : new OrigoError('ORIGO_ERR_REQUEST_NOT_FOUND', `No such endpoint: ${request.method} ${path}`);
    closeAfterUnreadBody(request, reply);
    return sendError(reply, error);
  });
}

function sendError(reply: FastifyReply, error: OrigoError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return sendJson(reply, error.status, errorBody(error));
}
