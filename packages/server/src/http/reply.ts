import type { FastifyReply } from 'fastify';

/**
 * Sends JSON with `Content-Type: application/json` exactly: rokka.js compares
 * the header with === and Fastify would add "; charset=utf-8" to objects.
 */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A Buffer keeps the content type as set; a string or object would get a charset.
  return reply.code(status).type('application/json').send(Buffer.from(JSON.stringify(body), 'utf8'));
}
