// /sourceimages/{org}/{hash}/meta/user[...] and /meta/dynamic/{name}.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { OrigoError } from '../errors.ts';
import { parseFieldKey } from '../images/user-metadata.ts';
import { isPlainObject } from '../json.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { getImage } from '../service/images.ts';
import { changeDynamicMetadata, type DynamicOutcome, userMetadata } from '../service/metadata.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import { inOrg } from './access.ts';
import { orgOf } from './auth.ts';
import { jsonBody, jsonOrRawBody, rawText } from './body.ts';
import { sendJson } from './reply.ts';
import { NoContent, noBody, OrgHashParams, queryValue, replies, SourceImageSchema } from './schemas.ts';
import { booleanParam, parseBoolean } from './search-query-params.ts';
import { sourceImageJson } from './serialize.ts';

const FieldParamsSchema = Type.Object({
  org: Type.String(),
  hash: Type.String(),
  name: Type.String({ description: 'field name, optionally with a type prefix (int:rank)' }),
});
const DynamicParamsSchema = Type.Object({
  org: Type.String(),
  hash: Type.String(),
  name: Type.String({ description: 'subject_area, crop_area, multi_areas, version, …' }),
});

function requiredJson(body: unknown): unknown {
  const value = jsonBody(body);
  if (value === undefined) throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', 'The request needs a JSON body');
  return value;
}

const WARNING_KEEP_HASH = '299 - "The hash was kept: renders cached for this image were not invalidated"';

const DynamicQuery = Type.Object({
  deletePrevious: queryValue('true deletes the image with the previous hash'),
  keepHash: queryValue('true keeps the hash (renders cached for it are not invalidated)'),
});

const DYNAMIC_REPLIES = replies({
  201: SourceImageSchema,
  204: noBody('Nothing changed'),
});

function dynamicFlags(
  request: FastifyRequest,
  query: Static<typeof DynamicQuery>,
): { deletePrevious: boolean; keepHash: boolean } {
  // rokka.js sends the flags of a dynamic-metadata DELETE in the body.
  const body = request.method === 'DELETE' ? jsonOrRawBody(request.body) : undefined;
  const fromBody = isPlainObject(body) ? body : {};
  const flag = (name: keyof typeof query) =>
    query[name] !== undefined || fromBody[name] === undefined
      ? booleanParam(query, name)
      : parseBoolean(name, String(fromBody[name]));
  return { deletePrevious: flag('deletePrevious'), keepHash: flag('keepHash') };
}

function sendDynamicOutcome(reply: FastifyReply, org: Organization, outcome: DynamicOutcome) {
  reply.header('location', `/sourceimages/${org.name}/${outcome.image.hash}`);
  if (outcome.kind === 'unchanged') return reply.code(204).send();
  if (outcome.kind === 'kept_hash') reply.header('warning', WARNING_KEEP_HASH);
  return sendJson(reply, 201, sourceImageJson(outcome.image, org));
}

export function registerMetaRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['metadata'];
  const base = '/sourceimages/:org/:hash/meta';

  app.get(`${base}/user`, {
    config: { access: inOrg('images:read') },
    schema: {
      tags,
      summary: 'All user metadata of an image',
      params: OrgHashParams,
      response: replies({
        200: Type.Record(Type.String(), Type.Unknown(), { description: 'field name (with its type prefix) to value' }),
      }),
    },
    handler: async (request, reply) => {
      const image = await getImage(deps, orgOf(request), request.params.hash);
      return sendJson(reply, 200, image.userMetadata);
    },
  });

  app.put(`${base}/user`, {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Replace all user metadata (fields not in the body are removed)',
      params: OrgHashParams,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      await userMetadata.replace(deps, orgOf(request), request.params.hash, requiredJson(request.body));
      return reply.code(204).send();
    },
  });

  app.patch(`${base}/user`, {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Merge user metadata: listed fields set, null deletes, others untouched',
      params: OrgHashParams,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      await userMetadata.merge(deps, orgOf(request), request.params.hash, requiredJson(request.body));
      return reply.code(204).send();
    },
  });

  app.delete(`${base}/user`, {
    config: { access: inOrg('images:write') },
    schema: { tags, summary: 'Remove all user metadata', params: OrgHashParams, response: replies({ 204: NoContent }) },
    handler: async (request, reply) => {
      await userMetadata.clear(deps, orgOf(request), request.params.hash);
      return reply.code(204).send();
    },
  });

  app.get(`${base}/user/:name`, {
    config: { access: inOrg('images:read') },
    schema: {
      tags,
      summary: 'One user metadata field, JSON-encoded',
      params: FieldParamsSchema,
      response: replies({ 200: Type.Unknown({ description: 'the value, as JSON' }) }),
    },
    handler: async (request, reply) => {
      const { hash, name } = request.params;
      const field = await userMetadata.getField(deps, orgOf(request), hash, name);
      return sendJson(reply, 200, field.value);
    },
  });

  app.put(`${base}/user/:name`, {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Set one field: a JSON value or raw text; null deletes',
      params: FieldParamsSchema,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      const { hash, name } = request.params;
      let value = jsonOrRawBody(request.body);
      if (value === undefined)
        throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', `The body must be the value of field ${name}`);
      // rokka.js sends string values unquoted: for a string field, `1.50` means the text "1.50", not the number 1.5.
      if (
        (typeof value === 'number' || typeof value === 'boolean') &&
        ['str', 'text'].includes(parseFieldKey(name).type)
      ) {
        value = rawText(request.body);
      }
      await userMetadata.setField(deps, orgOf(request), hash, name, value);
      return reply.code(204).send();
    },
  });

  app.delete(`${base}/user/:name`, {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Remove one field (absent fields: still 204)',
      params: FieldParamsSchema,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      const { hash, name } = request.params;
      await userMetadata.removeField(deps, orgOf(request), hash, name);
      return reply.code(204).send();
    },
  });

  app.put(`${base}/dynamic/:name`, {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Set dynamic metadata: answers 201 with the image of the new hash (Location), 204 when nothing changed',
      params: DynamicParamsSchema,
      querystring: DynamicQuery,
      response: DYNAMIC_REPLIES,
    },
    handler: async (request, reply) => {
      const { hash, name } = request.params;
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const outcome = await changeDynamicMetadata(
        deps,
        org,
        hash,
        name,
        body === undefined ? {} : body,
        dynamicFlags(request, request.query),
      );
      return sendDynamicOutcome(reply, org, outcome);
    },
  });

  app.delete(`${base}/dynamic/:name`, {
    config: { access: inOrg('images:write') },
    schema: {
      tags,
      summary: 'Remove dynamic metadata (same flags and answers as PUT)',
      params: DynamicParamsSchema,
      querystring: DynamicQuery,
      response: DYNAMIC_REPLIES,
    },
    handler: async (request, reply) => {
      const { hash, name } = request.params;
      const org = orgOf(request);
      const outcome = await changeDynamicMetadata(
        deps,
        org,
        hash,
        name,
        undefined,
        dynamicFlags(request, request.query),
      );
      return sendDynamicOutcome(reply, org, outcome);
    },
  });
}
