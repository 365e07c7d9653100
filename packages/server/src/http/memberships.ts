// /organizations/{org}/memberships[...] (spec §6.5). Admins only.

import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createMemberUser, deleteMembership, getMembership, putMembership } from '../service/accounts.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { inOrg } from './access.ts';
import { orgOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import { OrgParams } from './schemas.ts';
import { membershipJson } from './serialize.ts';

const MemberParams = Type.Object({ org: Type.String(), user_id: Type.String() });

export function registerMembershipRoutes(app: FastifyInstance, deps: ServiceDeps): void {
  const tags = ['memberships'];
  const base = '/organizations/:org/memberships';

  app.get(base, {
    config: { access: inOrg('memberships:manage') },
    schema: { tags, summary: 'List the members of an organization', params: OrgParams },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const items = await deps.accounts.listMemberships(org.id);
      return sendJson(reply, 200, { total: items.length, items: items.map((m) => membershipJson(m, org)) });
    },
  });

  app.post(base, {
    config: { access: inOrg('memberships:manage') },
    schema: { tags, summary: 'Create a new user with an API key and a membership; the key is shown once', params: OrgParams },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const { membership, apiKey } = await createMemberUser(deps, org, body);
      return sendJson(reply, 201, membershipJson(membership, org, apiKey));
    },
  });

  app.get(`${base}/:user_id`, {
    config: { access: inOrg('memberships:manage') },
    schema: { tags, summary: 'One membership', params: MemberParams },
    handler: async (request, reply) => {
      const org = orgOf(request);
      return sendJson(reply, 200, membershipJson(await getMembership(deps, org, (request.params as { user_id: string }).user_id), org));
    },
  });

  app.put(`${base}/:user_id`, {
    config: { access: inOrg('memberships:manage') },
    schema: { tags, summary: 'Give an existing user roles: 201 created, 200 changed, 204 unchanged', params: MemberParams },
    handler: async (request, reply) => {
      const org = orgOf(request);
      const body = jsonBody(request.body);
      const result = await putMembership(deps, org, (request.params as { user_id: string }).user_id, body);
      if (result.outcome === 'unchanged') return reply.code(204).send();
      return sendJson(reply, result.outcome === 'created' ? 201 : 200, membershipJson(result.membership, org));
    },
  });

  app.delete(`${base}/:user_id`, {
    config: { access: inOrg('memberships:manage') },
    schema: { tags, summary: 'Remove a member (not the last admin)', params: MemberParams },
    handler: async (request, reply) => {
      await deleteMembership(deps, orgOf(request), (request.params as { user_id: string }).user_id);
      return reply.code(204).send();
    },
  });
}
