// /stacks/{org}[/{name}[/cache]] (spec §3): named stacks of an organization.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { OrigoError } from '../errors.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { deleteStack, listStacks, purgeStackCache, putStack, requireStack } from '../service/stacks.ts';
import { inOrg } from './access.ts';
import { orgOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import { NoContent, OrgParams, queryValue, replies, StackListSchema, StatusOkSchema } from './schemas.ts';
import { booleanParam, queryParam } from './search-query-params.ts';
import { stackJson } from './serialize.ts';

const StackParams = Type.Object({
  org: Type.String({ description: 'organization name' }),
  name: Type.String({ description: 'stack name' }),
});
const StackRef = Type.Ref('Stack');

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function pageNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_BAD_PARAMETER',
      `${name} must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

export function registerStackRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['stacks'];

  app.get('/stacks/:org', {
    config: { access: inOrg('stacks:read') },
    schema: {
      tags,
      summary: 'List the stacks of an organization, by name',
      params: OrgParams,
      querystring: Type.Object({
        limit: queryValue(`stacks per page, at most ${MAX_LIMIT} (default ${DEFAULT_LIMIT})`),
        offset: queryValue('stacks to skip'),
      }),
      response: replies({ 200: StackListSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const limit = pageNumber('limit', queryParam(request.query, 'limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const offset = pageNumber('offset', queryParam(request.query, 'offset'), 0, 1_000_000_000);
      const list = await listStacks(deps, org, { limit, offset });
      return sendJson(reply, 200, { total: list.total, items: list.items.map((s) => stackJson(s, org)) });
    },
  });

  app.put('/stacks/:org/:name', {
    config: { access: inOrg('stacks:write') },
    schema: {
      tags,
      summary: 'Create a stack: 201; an existing name is 409 unless ?overwrite=true (200)',
      params: StackParams,
      querystring: Type.Object({ overwrite: queryValue('true replaces an existing stack of that name') }),
      response: replies({ 200: StackRef, 201: StackRef }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const overwrite = booleanParam(request.query, 'overwrite');
      const body = jsonBody(request.body);
      const { stack, created } = await putStack(deps, org, request.params.name, body, overwrite);
      return sendJson(reply, created ? 201 : 200, stackJson(stack, org));
    },
  });

  app.get('/stacks/:org/:name', {
    config: { access: inOrg('stacks:read') },
    schema: { tags, summary: 'One stack', params: StackParams, response: replies({ 200: StackRef }) },
    handler: async (request, reply) => {
      const org = orgOf(request);
      return sendJson(reply, 200, stackJson(await requireStack(deps, org, request.params.name), org));
    },
  });

  app.delete('/stacks/:org/:name', {
    config: { access: inOrg('stacks:write') },
    schema: { tags, summary: 'Delete a stack', params: StackParams, response: replies({ 204: NoContent }) },
    handler: async (request, reply) => {
      await deleteStack(deps, orgOf(request), request.params.name);
      return reply.code(204).send();
    },
  });

  app.delete('/stacks/:org/:name/cache', {
    config: { access: inOrg('stacks:write') },
    schema: {
      tags,
      summary: "Drop the stack's cached renders: they are rendered anew",
      params: StackParams,
      response: replies({ 200: StatusOkSchema }),
    },
    handler: async (request, reply) => {
      await purgeStackCache(deps, orgOf(request), request.params.name);
      return sendJson(reply, 200, { status: 'ok' });
    },
  });
}
