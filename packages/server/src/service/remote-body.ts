// The body of a fetched image, streamed to the caller under the fetch's
// deadline and byte limit.

import type http from 'node:http';
import { Readable } from 'node:stream';
import { OrigoError } from '../errors.ts';
import type { Deadline } from './remote-deadline.ts';
import { describeNetworkError, fetchFailed, timeoutError } from './remote-failures.ts';
import type { RemoteFetchOptions } from './remote-fetch.ts';

/** One request and its response. */
export interface Exchange {
  req: http.ClientRequest;
  res: http.IncomingMessage;
}

/**
 * Wraps a response in a Readable that enforces the byte limit and the deadline
 * and turns every way the response can break into an OrigoError. Destroying
 * the returned stream tears down the response and its socket.
 */
export function limitedBody(
  exchange: Exchange,
  opts: RemoteFetchOptions,
  deadline: Deadline,
  what: string,
  base: string,
): Readable {
  const { req, res } = exchange;
  let received = 0;
  let ended = false;

  const teardown = (): void => {
    deadline.clear();
    res.removeListener('data', onData);
    res.removeListener('end', onEnd);
    res.removeListener('close', onClose);
    res.destroy();
    req.destroy();
  };

  const body = new Readable({
    read() {
      res.resume();
    },
    destroy(err, callback) {
      teardown();
      callback(err);
    },
  });

  function onData(chunk: Buffer): void {
    received += chunk.length;
    if (received > opts.maxBytes) {
      body.destroy(
        new OrigoError('ORIGO_ERR_UPLOAD_TOO_LARGE', `${base} is more than the limit of ${opts.maxBytes} bytes`),
      );
      return;
    }
    if (!body.push(chunk)) res.pause();
  }
  function onEnd(): void {
    ended = true;
    deadline.clear();
    body.push(null);
  }
  function onClose(): void {
    if (!ended && !body.destroyed) {
      body.destroy(fetchFailed(what, 'the connection closed before the whole body arrived'));
    }
  }
  function onError(err: Error): void {
    if (!body.destroyed) {
      body.destroy(fetchFailed(what, `the body could not be read (${describeNetworkError(err, '')})`));
    }
  }

  res.pause();
  res.on('data', onData);
  res.on('end', onEnd);
  res.on('close', onClose);
  // Stays attached: a late error on the torn-down response must not go unhandled.
  res.on('error', onError);
  deadline.whenExpired(() => {
    body.destroy(timeoutError(what, opts.timeoutMs));
  });
  // A caller that drops the body without reading or destroying it must not
  // crash the process when the deadline later errors it; readers still see
  // the error (for await, pipeline and stream.errored do not rely on events).
  body.on('error', () => {});
  // autoDestroy runs destroy() (and so teardown) once the consumer has read to the end.
  return body;
}
