import type { FastifyReply } from 'fastify';

const asIs = (payload: unknown) => payload as string;

/**
 * Sends JSON with `Content-Type: application/json` exactly: rokka.js compares
 * the header with === and Fastify would add "; charset=utf-8". A reply with
 * its own serializer keeps the content type as set, and a string body lets
 * Node write headers and body in one write (a Buffer costs a writev).
 */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return sendJsonText(reply, status, JSON.stringify(body));
}

/** Sends JSON text that is already serialized. */
export function sendJsonText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('application/json').serializer(asIs).send(text);
}
