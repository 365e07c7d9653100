// /render/{org}/…: rokka's render URLs (spec RENDER.md §1–2, §8). Public:
// renders of unprotected images are plain image URLs, as on rokka; a
// protected one needs a signature in its query instead of a key.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ServiceDeps } from '../service/deps.ts';
import { type RenderAnswer, renderUrl } from '../service/render.ts';
import { PUBLIC } from './access.ts';
import { header } from './auth.ts';
import { noBody, replies } from './schemas.ts';

const RenderParams = Type.Object({
  org: Type.String({ description: 'organization name' }),
  '*': Type.String({ description: '{stack}/[{segments}/]{hash}[/{seo-name}].{format}' }),
});

const IMAGE_BYTES = { content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } };
const RENDER_REPLIES = replies({
  200: Type.Unsafe({ description: 'The rendered image, with its real Content-Type', ...IMAGE_BYTES }),
  304: noBody('Not modified (If-None-Match matched the ETag)'),
});
const HEAD_RENDER_REPLIES = replies({
  200: noBody('The headers of the render'),
  304: noBody('Not modified (If-None-Match matched the ETag)'),
});

/** The path and query exactly as the client sent them. */
function splitUrl(url: string): { pathname: string; rawQuery: string } {
  const at = url.indexOf('?');
  return at === -1 ? { pathname: url, rawQuery: '' } : { pathname: url.slice(0, at), rawQuery: url.slice(at + 1) };
}

/** `If-None-Match` names this ETag (a list, or `*`). */
function notModified(request: FastifyRequest, etag: string): boolean {
  const given = header(request, 'if-none-match');
  if (given === undefined) return false;
  return given.trim() === '*' || given.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function sendRender(request: FastifyRequest, reply: FastifyReply, answer: RenderAnswer, head: boolean) {
  reply
    .header('etag', answer.etag)
    .header('cache-control', answer.cacheControl)
    .header('x-origo-render', answer.source);
  if (answer.varyAccept) reply.header('vary', 'Accept');
  if (answer.contentDisposition === 'attachment') reply.header('content-disposition', 'attachment');
  const unchanged = notModified(request, answer.etag);
  if (head || unchanged) {
    if (!Buffer.isBuffer(answer.body)) answer.body.destroy();
    if (unchanged) return reply.code(304).send();
  }
  reply.header('content-type', answer.contentType).header('content-length', answer.size);
  return head ? reply.code(200).send() : reply.code(200).send(answer.body);
}

export function registerRenderRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const handler =
    (head: boolean) => async (request: FastifyRequest<{ Params: { org: string } }>, reply: FastifyReply) => {
      const org = request.params.org;
      // The path as received (request.url may have been rewritten from a render host, see render-host.ts).
      const received = splitUrl(request.originalUrl);
      const routed = splitUrl(request.url);
      const answer = await renderUrl(deps, {
        orgName: org,
        path: routed.pathname.slice(`/render/${org}`.length),
        rawQuery: received.rawQuery,
        signedPathname: received.pathname,
        accept: header(request, 'accept'),
        log: request.log,
      });
      return sendRender(request, reply, answer, head);
    };
  const schema = { tags: ['render'], params: RenderParams };
  app.route({
    method: 'GET',
    url: '/render/:org/*',
    exposeHeadRoute: false,
    config: { access: PUBLIC },
    schema: {
      ...schema,
      summary: 'Render an image through a stack or a dynamic stack (rokka render URLs)',
      response: RENDER_REPLIES,
    },
    handler: handler(false),
  });
  app.route({
    method: 'HEAD',
    url: '/render/:org/*',
    config: { access: PUBLIC },
    schema: { ...schema, summary: 'Headers of a render, without the bytes', response: HEAD_RENDER_REPLIES },
    handler: handler(true),
  });
}
