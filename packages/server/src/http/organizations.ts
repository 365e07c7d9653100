import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../service/deps.ts';
import { createOrganization } from '../service/organizations.ts';
import { global, inOrg } from './access.ts';
import { orgOf, principalOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import { OrganizationSchema, OrgParams, replies } from './schemas.ts';
import { organizationJson } from './serialize.ts';

export function registerOrganizationRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['organizations'];
  app.put('/organizations/:org', {
    config: { access: global('organizations:create') },
    schema: {
      tags,
      summary: 'Create an organization',
      params: OrgParams,
      response: replies({ 200: OrganizationSchema }),
    },
    handler: async (request, reply) => {
      const body = jsonBody(request.body);
      const principal = principalOf(request);
      const org = await createOrganization(
        deps,
        request.params.org,
        body,
        principal.kind === 'user' ? principal.userId : undefined,
      );
      return sendJson(reply, 200, organizationJson(org));
    },
  });

  app.get('/organizations/:org', {
    config: { access: inOrg('organizations:read') },
    schema: { tags, summary: 'Get an organization', params: OrgParams, response: replies({ 200: OrganizationSchema }) },
    handler: async (request, reply) => sendJson(reply, 200, organizationJson(orgOf(request))),
  });
}
