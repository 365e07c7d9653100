// Copy between organizations and protection (spec §2.1, §2.2, §2.22).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { copyDestination, copyImage, copyImages, parseOverwrite } from '../service/copy.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { setProtected } from '../service/metadata.ts';
import { inOrg } from './access.ts';
import { header, orgOf, principalOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import {
  BatchCopySchema,
  noBody,
  OrgHashParams,
  OrgParams,
  queryValue,
  replies,
  SourceImageSchema,
} from './schemas.ts';
import { booleanParam } from './search-query-params.ts';
import { sourceImageJson } from './serialize.ts';

export function registerCopyRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['source images'];

  /** The source organization, the Overwrite flag and the checked Destination organization of a copy. */
  const copyTarget = async (request: FastifyRequest) => {
    const org = orgOf(request);
    const overwrite = parseOverwrite(header(request, 'overwrite'));
    const destination = await copyDestination(
      deps,
      request.server.authenticator,
      principalOf(request),
      org,
      header(request, 'destination'),
    );
    return { org, overwrite, destination };
  };

  const copyOne = async (request: FastifyRequest, reply: FastifyReply, hash: string) => {
    const { org, overwrite, destination } = await copyTarget(request);
    const outcome = await copyImage(deps, org, hash, destination, overwrite);
    return outcome === 'created' ? sendJson(reply, 201, {}) : reply.code(204).send();
  };
  const copySchema = {
    tags,
    summary: 'Copy an image to the organization in the Destination header (Overwrite: F keeps an existing one)',
    params: OrgHashParams,
    response: replies({
      201: Type.Object({}, { additionalProperties: false, description: 'Copied: the destination had no such image' }),
      204: noBody('Copied over the image the destination had (Overwrite: T, the default)'),
    }),
  };
  app.route({
    method: 'COPY',
    url: '/sourceimages/:org/:hash',
    config: { access: inOrg('images:read') },
    schema: copySchema,
    handler: (request, reply) => copyOne(request, reply, request.params.hash),
  });
  app.post('/sourceimages/:org/:hash/copy', {
    config: { access: inOrg('images:read') },
    schema: copySchema,
    handler: (request, reply) => copyOne(request, reply, request.params.hash),
  });

  app.post('/sourceimages/:org/copy', {
    config: { access: inOrg('images:read') },
    schema: {
      tags,
      summary: 'Copy up to 100 images (JSON array of hashes) to the Destination organization',
      params: OrgParams,
      response: replies({ 200: BatchCopySchema }),
    },
    handler: async (request, reply) => {
      const { org, overwrite, destination } = await copyTarget(request);
      const body = jsonBody(request.body);
      return sendJson(reply, 200, await copyImages(deps, org, body, destination, overwrite));
    },
  });

  app.put('/sourceimages/:org/:hash/options/protected', {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Protect (true) or unprotect (false): a change makes the image with the other hash (Location)',
      params: OrgHashParams,
      querystring: Type.Object({ deletePrevious: queryValue('true deletes the image with the previous hash') }),
      response: replies({ 200: SourceImageSchema, 201: SourceImageSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const deletePrevious = booleanParam(request.query, 'deletePrevious');
      const result = await setProtected(deps, org, request.params.hash, body, deletePrevious);
      reply.header('location', `/sourceimages/${org.name}/${result.image.hash}`);
      return sendJson(reply, result.changed ? 201 : 200, sourceImageJson(result.image, org));
    },
  });
}
