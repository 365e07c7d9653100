// What the log may show of a request: never an API key, a token or a
// signature. Keys and tokens travel in headers (Api-Key, Authorization),
// which pino redacts wherever a logged object carries them; signatures and
// tokens can travel in query strings (?sig=, ?token=, X-Amz-Signature), which
// are masked in logged URLs, error messages and stacks, and log messages
// (the rules are in url-display.ts).

import type { FastifyServerOptions } from 'fastify';
import { maskUrlSecrets } from '../url-display.ts';

/** `text` with the values of secret-looking query parameters masked (sig=***), and URLs' user names and passwords. */
export const maskSecrets = maskUrlSecrets;

/** Header paths redacted in any logged object: as `req.headers`, as `headers`, or one level deeper. */
const REDACTED_PATHS = ['api-key', 'authorization', 'cookie', 'proxy-authorization'].flatMap((h) => [
  `req.headers["${h}"]`,
  `headers["${h}"]`,
  `*.headers["${h}"]`,
]);

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request fields, with the URL's secrets masked. */
function requestSerializer(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : maskSecrets(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** An error as pino shows it (type, message, stack, own fields, cause), its strings masked. */
function errorSerializer(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? maskSecrets(err) : err;
  const out: Record<string, unknown> = { type: err.constructor?.name ?? err.name, message: maskSecrets(err.message) };
  if (err.stack !== undefined) out['stack'] = maskSecrets(err.stack);
  for (const [name, value] of Object.entries(err)) {
    if (name === 'cause') continue;
    out[name] = typeof value === 'string' ? maskSecrets(value) : value;
  }
  if (err.cause !== undefined && depth < 5) out['cause'] = errorSerializer(err.cause, depth + 1);
  return out;
}

type PinoOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

/**
 * Fastify's logger option with the redaction above added: `given` is a
 * caller's own pino options (a test's stream), false for none, or undefined
 * for the configured level on stdout.
 */
export function redactingLogger(given: FastifyServerOptions['logger'], level: string): FastifyServerOptions['logger'] {
  if (given === false) return false;
  const base = (typeof given === 'object' && given !== null ? given : { level }) as PinoOptions &
    Record<string, unknown>;
  return {
    ...base,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer, err: errorSerializer },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskSecrets(a) : a)),
        );
      },
    },
  } as FastifyServerOptions['logger'];
}
