// An answer sent before the request body has been read (a wrong key, an
// unknown organization, a rate limit, an upload over the size limit) must
// still reach the client. Closing the socket while the client is sending
// leaves its bytes unread, so the kernel answers them with a reset, and the
// client (Node 24's fetch among them) may see `write EPIPE` instead of the
// answer. As mature servers do (a "lingering close"), such an answer says
// `Connection: close`, is followed by our half of the close, and the rest of
// the body is read and thrown away, up to a bound, before the socket closes.

import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasUnreadBody } from './unread-body.ts';

/**
 * Bytes of a refused body read and discarded after the answer. A client that
 * reads while it sends (browsers, fetch, curl) needs none of them, only time.
 * One that sends everything before it reads (many scripts) sees the answer
 * only if the server takes its whole body: socket buffers absorb about 4 MiB
 * (Linux grows a send buffer to 4 MiB), so reading up to 8 MiB lets such clients
 * through with JSON bodies and most single images, while a refused body
 * costs the server at most that much reading, nothing stored. Past it the
 * body is no longer read, and TCP holds the client back until the close.
 */
export const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * How long the connection stays open after the answer for the client to read
 * it and stop sending (nginx waits as long, its lingering_timeout). A client
 * that closes its side first ends the wait at once.
 */
export const LINGER_MAX_MS = 5_000;

/**
 * Marks an answer to a request whose body is not wholly read: it closes the
 * connection, after letting the client finish sending, within the bounds.
 */
export function closeAfterUnreadBody(request: FastifyRequest, reply: FastifyReply): void {
  const incoming = request.raw;
  if (!hasUnreadBody(incoming)) return;
  reply.header('connection', 'close');
  // Injected requests (tests, light-my-request) have no connection to linger on.
  if (incoming.socket instanceof Socket) lingerOnClose(incoming, incoming.socket);
}

/** Sockets already set to linger: an answer that fails and is answered again must not stack a second drain. */
const lingering = new WeakSet<Socket>();

function lingerOnClose(incoming: IncomingMessage, socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  // What Node's server calls once a `Connection: close` answer is written:
  // end our side, then destroy the socket, unread bytes and all.
  const closeNow = socket.destroySoon.bind(socket);
  let drained = 0;
  let deadline: NodeJS.Timeout | undefined;
  let answered = false;

  const discard = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER_MAX_BYTES) incoming.pause();
  };
  // Whatever read the body until now (the upload's parser) is done with it.
  incoming.unpipe();
  incoming.on('data', discard);
  incoming.resume();
  // With the whole body read, nothing is left unread to cause a reset.
  incoming.once('end', () => {
    if (answered) closeNow();
  });
  socket.once('close', () => {
    clearTimeout(deadline);
    incoming.off('data', discard);
  });

  socket.destroySoon = () => {
    answered = true;
    if (incoming.complete) {
      closeNow();
      return;
    }
    // Half-close: the client gets the answer and then our FIN while its bytes are still read.
    socket.end();
    deadline = setTimeout(() => socket.destroy(), LINGER_MAX_MS);
  };
}
