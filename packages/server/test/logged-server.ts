// A test server whose application log is kept, for tests that check what an
// operator is told.

import { Writable } from 'node:stream';
import { type ServerOptions, startServer, type TestServer } from './helpers.ts';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface LoggedServer extends TestServer {
  logLines(): LogLine[];
}

/** pino's number for the error level. */
export const ERROR_LEVEL = 50;

/** A pino destination that keeps what the app logs, for tests to read. */
export interface CapturedLog {
  /** Fastify's logger option writing here. */
  logger: { level: string; stream: Writable };
  /** Everything logged so far, as written (JSON lines). */
  text(): string;
  /** Every complete line, parsed. */
  lines(): LogLine[];
  /** Forgets what was logged so far. */
  clear(): void;
}

export function captureLog(level = 'info'): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    logger: { level, stream },
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogLine),
    clear: () => {
      chunks.length = 0;
    },
  };
}

export async function startLoggedServer(
  env: Record<string, string> = {},
  options: Omit<ServerOptions, 'logger'> = {},
): Promise<LoggedServer> {
  const log = captureLog();
  const server = await startServer({ ORIGO_LOG_LEVEL: 'info', ...env }, { ...options, logger: log.logger });
  return { ...server, logLines: log.lines };
}
