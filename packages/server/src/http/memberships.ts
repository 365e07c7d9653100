// /organizations/{org}/memberships[...] (spec §6.5). Admins only.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createMemberUser, deleteMembership, getMembership, putMembership } from '../service/accounts.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { inOrg } from './access.ts';
import { orgOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import { MembershipListSchema, MembershipSchema, NoContent, OrgParams, replies } from './schemas.ts';
import { membershipJson } from './serialize.ts';

const MemberParams = Type.Object({ org: Type.String(), user_id: Type.String() });

export function registerMembershipRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['memberships'];
  const base = '/organizations/:org/memberships';

  app.get(base, {
    config: { access: inOrg('memberships:manage') },
    schema: {
      tags,
      summary: 'List the members of an organization',
      params: OrgParams,
      response: replies({ 200: MembershipListSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const items = await deps.accounts.listMemberships(org.id);
      return sendJson(reply, 200, { total: items.length, items: items.map((m) => membershipJson(m, org)) });
    },
  });

  app.post(base, {
    config: { access: inOrg('memberships:manage') },
    schema: {
      tags,
      summary: 'Create a new user with an API key and a membership; the key is shown once',
      params: OrgParams,
      response: replies({ 201: MembershipSchema }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const { membership, apiKey } = await createMemberUser(deps, org, body);
      return sendJson(reply, 201, membershipJson(membership, org, apiKey));
    },
  });

  app.get(`${base}/:user_id`, {
    config: { access: inOrg('memberships:manage') },
    schema: { tags, summary: 'One membership', params: MemberParams, response: replies({ 200: MembershipSchema }) },
    handler: async (request, reply) => {
      const org = orgOf(request);
      return sendJson(reply, 200, membershipJson(await getMembership(deps, org, request.params.user_id), org));
    },
  });

  app.put(`${base}/:user_id`, {
    config: { access: inOrg('memberships:manage') },
    schema: {
      tags,
      summary: 'Give an existing user roles: 201 created, 200 changed, 204 unchanged',
      params: MemberParams,
      response: replies({ 200: MembershipSchema, 201: MembershipSchema, 204: NoContent }),
    },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const result = await putMembership(deps, org, request.params.user_id, body);
      if (result.outcome === 'unchanged') return reply.code(204).send();
      return sendJson(reply, result.outcome === 'created' ? 201 : 200, membershipJson(result.membership, org));
    },
  });

  app.delete(`${base}/:user_id`, {
    config: { access: inOrg('memberships:manage') },
    schema: {
      tags,
      summary: 'Remove a member (not the last admin)',
      params: MemberParams,
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      await deleteMembership(deps, orgOf(request), request.params.user_id);
      return reply.code(204).send();
    },
  });
}
