import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ServiceDeps } from '../service/deps.ts';
import { setOrganizationOption, setOrganizationOptions } from '../service/organization-options.ts';
import { createOrganization } from '../service/organizations.ts';
import { signingKeysOf } from '../service/signing-keys.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import { global, inOrg } from './access.ts';
import { orgOf, principalOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import { OrganizationOptionsSchema, OrganizationSchema, OrgParams, replies } from './schemas.ts';
import { organizationJson } from './serialize.ts';

const OptionParams = Type.Object({
  org: Type.String({ description: 'organization name' }),
  name: Type.String({ description: 'option name: protect_dynamic_stack' }),
});

/** The organization as the caller may see it: its signing keys only for those who may sign render URLs. */
async function organizationAnswer(deps: ServiceDeps, request: FastifyRequest, org: Organization) {
  const maySign = request.server.authenticator.grants(
    principalOf(request),
    'organizations:signing-keys',
    request.membership,
  );
  return organizationJson(org, maySign ? await signingKeysOf(deps, org) : []);
}

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
      // Its creator (the root key, or the user made its admin) may sign render URLs.
      return sendJson(reply, 200, organizationJson(org, await signingKeysOf(deps, org)));
    },
  });

  app.get('/organizations/:org', {
    config: { access: inOrg('organizations:read') },
    schema: { tags, summary: 'Get an organization', params: OrgParams, response: replies({ 200: OrganizationSchema }) },
    handler: async (request, reply) => {
      // Read anew: another node may have changed its options since this one remembered it.
      const remembered = orgOf(request);
      const org = (await deps.catalog.findOrganization(remembered.name)) ?? remembered;
      return sendJson(reply, 200, await organizationAnswer(deps, request, org));
    },
  });

  app.put('/organizations/:org/options', {
    config: { access: inOrg('organizations:options') },
    schema: {
      tags,
      summary: 'Set several organization options at once (all or none); answers the options set',
      params: OrgParams,
      response: replies({ 200: OrganizationOptionsSchema }),
    },
    handler: async (request, reply) => {
      const org = await setOrganizationOptions(deps, orgOf(request), jsonBody(request.body));
      return sendJson(reply, 200, org.options);
    },
  });

  app.put('/organizations/:org/options/:name', {
    config: { access: inOrg('organizations:options') },
    schema: {
      tags,
      summary: 'Set one organization option (the body is its JSON value; null unsets it); answers the options set',
      params: OptionParams,
      response: replies({ 200: OrganizationOptionsSchema }),
    },
    handler: async (request, reply) => {
      const org = await setOrganizationOption(deps, orgOf(request), request.params.name, jsonBody(request.body));
      return sendJson(reply, 200, org.options);
    },
  });
}
