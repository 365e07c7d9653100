// An AbortSignal that fires when the client of a request goes away before its
// answer is sent, so work that waits (the decode queue) can stop waiting.

import type { FastifyReply } from 'fastify';
import { OrigoError } from '../errors.ts';

export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  const gone = () => {
    if (res.writableFinished) return;
    controller.abort(
      new OrigoError(
        'ORIGO_ERR_UPLOAD_BAD_MULTIPART',
        'The client closed the connection before the upload was answered',
      ),
    );
  };
  if (res.destroyed || res.socket?.destroyed) gone();
  else res.once('close', gone);
  return controller.signal;
}
