// The rendering API beside the render URLs: what operations and stack
// options exist (public, as on rokka) and signing a render URL.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { operationsDescription } from '../render/operations/registry.ts';
import { stackOptionsDescription } from '../render/stack-options/definitions.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { signUrl } from '../service/sign-url.ts';
import { inOrg, PUBLIC } from './access.ts';
import { orgOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson, sendJsonText } from './reply.ts';
import { OrgParams, replies } from './schemas.ts';

const Description = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Per name: a JSON-schema-like description (properties with type, minimum, maximum, default; required)',
});

export function registerRenderMetaRoutes(untyped: FastifyInstance, deps: ServiceDeps): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['render'];
  // Made once: they describe this build, not any organization.
  const operations = JSON.stringify(operationsDescription());
  const stackOptions = JSON.stringify(stackOptionsDescription());

  app.get('/operations', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'Every render operation and its options', response: replies({ 200: Description }) },
    handler: (_request, reply) => sendJsonText(reply, 200, operations),
  });
  app.get('/stackoptions', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'Every stack option', response: replies({ 200: Description }) },
    handler: (_request, reply) => sendJsonText(reply, 200, stackOptions),
  });
  app.post('/utils/:org/sign_url', {
    // Whoever may read the signing key may have URLs signed with it.
    config: { access: inOrg('organizations:signing-keys') },
    schema: {
      tags,
      summary: 'Sign a render URL with the organization signing key',
      params: OrgParams,
      response: replies({ 200: Type.Object({ signed_url: Type.String() }) }),
    },
    handler: async (request, reply) =>
      sendJson(reply, 200, { signed_url: await signUrl(deps, orgOf(request), jsonBody(request.body)) }),
  });
}
