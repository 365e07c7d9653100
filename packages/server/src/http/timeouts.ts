// Deadlines for each phase of a request, so a client that stops sending or
// stops reading cannot hold a socket, a request or a temp file forever:
// - headers: Node's headersTimeout (checked every connectionsCheckingInterval);
// - body: no byte for bodyIdleTimeoutMs -> 408, whatever reads the body
//   (Fastify's JSON reader or the multipart stream);
// - response: the client reads nothing for sendIdleTimeoutMs -> disconnected.
// Keep-alive idle connections are Node's keepAliveTimeout.

import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import { errorBody, OrigoError } from '../errors.ts';
import { maskSecrets } from './log-redaction.ts';
import { hasUnreadBody } from './unread-body.ts';

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * Server options for the headers deadline. Node checks it on an interval, so
 * a deadline is overshot by up to one interval: a quarter of the deadline
 * (250 ms to 1 s) keeps that small without scanning connections often.
 * requestTimeout (the whole request) stays off: an upload of the largest
 * allowed file over a slow link may take longer than any fixed bound, and a
 * stalled one is caught by the body idle timeout instead.
 */
export function timeoutServerOptions(config: Config): { requestTimeout: number; http: ServerOptions } {
  return {
    requestTimeout: 0,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.min(1000, Math.max(250, Math.floor(config.headersTimeoutMs / 4))),
    },
  };
}

export function bodyTimeoutError(config: Config): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_REQUEST_TIMEOUT',
    `The request body stopped arriving: no byte came for ${seconds(config.bodyIdleTimeoutMs)} (ORIGO_BODY_IDLE_TIMEOUT_SECONDS); nothing of the request was kept`,
  );
}

/**
 * The request body as it arrives, failing with 408 once the client has sent
 * nothing for `idleMs`. Only the client's silence counts: while the reader
 * downstream is the slow one (its buffers are full), the deadline is pushed on.
 */
export class IdleBodyWatch extends Transform {
  private readonly timer: NodeJS.Timeout;

  /**
   * `payload` is the body as earlier preParsing hooks left it (the request
   * itself when there are none); whether the client is done or gone is
   * always asked of the request.
   */
  constructor(
    private readonly request: IncomingMessage,
    private readonly payload: Readable,
    idleMs: number,
    private readonly timeoutError: () => Error,
  ) {
    super();
    this.timer = setTimeout(() => this.onIdle(), idleMs);
    // Destroyed with the 408 before (or after) anyone reads it: never an uncaught error.
    this.on('error', () => {});
    const gone = () => {
      if (!request.complete) this.destroy(new Error('the client closed the connection before the body was complete'));
    };
    request.once('aborted', gone);
    request.once('close', gone);
    request.once('error', (err) => this.destroy(err));
    if (payload !== request) payload.once('error', (err) => this.destroy(err));
    payload.pipe(this);
  }

  /** Stops the deadline without touching the stream (the response is done). */
  stop(): void {
    clearTimeout(this.timer);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.timer.refresh();
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    clearTimeout(this.timer);
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    this.payload.unpipe(this);
    callback(err);
  }

  private onIdle(): void {
    if (this.request.complete) return;
    const backedUp =
      this.request.readableLength > 0 ||
      this.payload.readableLength > 0 ||
      this.writableLength > 0 ||
      this.readableLength >= this.readableHighWaterMark;
    if (backedUp) this.timer.refresh();
    else this.destroy(this.timeoutError());
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** What to tell a client whose request Node could not take in: late headers, too large headers, not HTTP. */
function clientError(config: Config, err: NodeJS.ErrnoException): OrigoError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new OrigoError(
      'ORIGO_ERR_REQUEST_TIMEOUT',
      `The request headers did not arrive within ${seconds(config.headersTimeoutMs)} (ORIGO_HEADERS_TIMEOUT_SECONDS); the connection is closed`,
    );
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new OrigoError(
      'ORIGO_ERR_REQUEST_HEADERS_TOO_LARGE',
      'The request headers are larger than the server accepts (16 KiB in all); the connection is closed',
    );
  }
  return new OrigoError(
    'ORIGO_ERR_REQUEST_MALFORMED',
    'The request is not well-formed HTTP/1.1; the connection is closed',
  );
}

/** Answers a request Node could not take in with rokka's error JSON, then closes. */
function onClientError(this: FastifyInstance, config: Config, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error = clientError(config, err);
  this.log.info({ code: error.code, status: error.status, parserError: err.code }, error.message);
  // As Node's own handler: an answer only where no response on this
  // connection has begun to go out. Else (garbage pipelined behind a
  // download, a bad chunk in a body the handler already answers) a status
  // line would land inside that response's body; it is cut off instead.
  const inFlight = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } | null })._httpMessage;
  if (!socket.writable || inFlight?._headerSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(error));
  socket.write(
    `HTTP/1.1 ${error.status} ${REASONS[error.status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroySoon();
}

export function clientErrorHandler(config: Config): FastifyServerOptions['clientErrorHandler'] {
  return function (this: FastifyInstance, err: Error, socket: Socket) {
    onClientError.call(this, config, err as NodeJS.ErrnoException, socket);
  };
}

/** The body deadline: a preParsing hook, so that every body reader is covered. */
export function registerBodyDeadline(app: FastifyInstance, config: Config): void {
  // Every body reader (content type parsers, the multipart route) reads the
  // stream preParsing returns. A body that is already complete cannot stall,
  // and most requests (GET, HEAD, DELETE) have none.
  app.addHook('preParsing', (request, reply, payload, done) => {
    if (!hasUnreadBody(request.raw)) {
      done(null, payload);
      return;
    }
    const watch = new IdleBodyWatch(request.raw, payload, config.bodyIdleTimeoutMs, () => bodyTimeoutError(config));
    // A response sent without reading the whole body closes the connection; the deadline has no more use.
    reply.raw.once('close', () => watch.stop());
    done(null, watch);
  });
}

type SocketWithResponse = Socket & { _httpMessage?: ServerResponse | null };

/**
 * The response deadline: `arm` (called as a response starts) sets the
 * socket's own idle timer, which every write that completes refreshes, so it
 * catches a client that reads nothing. Node resets the timer to
 * keepAliveTimeout once the response is finished. One server-wide listener
 * handles every socket's timeout (Node's default, closing the socket, done
 * here, with a log line for a response cut off), so a response costs no
 * listener of its own.
 */
export function sendDeadline(app: FastifyInstance, config: Config): { arm(reply: FastifyReply): void } {
  app.server.on('timeout', (socket: SocketWithResponse) => {
    const response = socket._httpMessage;
    if (response) {
      app.log.info(
        { code: 'send_idle_timeout', method: response.req?.method, url: maskSecrets(response.req?.url ?? '') },
        `The client read nothing of the response for ${seconds(config.sendIdleTimeoutMs)} (ORIGO_SEND_IDLE_TIMEOUT_SECONDS); connection closed`,
      );
    }
    socket.destroy();
  });
  return {
    arm(reply: FastifyReply): void {
      const socket = reply.raw.socket;
      // As Node's server checks too: app.inject's stand-in socket has no timer.
      if (socket && !socket.destroyed && typeof socket.setTimeout === 'function')
        socket.setTimeout(config.sendIdleTimeoutMs);
    },
  };
}
