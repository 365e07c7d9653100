// /users, /user, /user/apikeys[...] (spec §6.1, §6.4).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  addKey,
  currentKey,
  deleteKey,
  describeUser,
  issueToken,
  listKeys,
  listUserOrganizations,
  signUp,
} from '../service/accounts.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { global } from './access.ts';
import { header, invalidAuth, principalOf } from './auth.ts';
import { jsonBody } from './body.ts';
import { sendJson } from './reply.ts';
import {
  ApiKeySchema,
  CreatedUserSchema,
  NewApiKeySchema,
  NoContent,
  replies,
  TokenSchema,
  UserOrganizationListSchema,
  UserSchema,
} from './schemas.ts';
import { booleanParam } from './search-query-params.ts';
import { keyJson } from './serialize.ts';

export function registerUserRoutes(untyped: FastifyInstance, deps: ServiceDeps, tokenSecret: Buffer): void {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];

  app.post('/users', {
    // Public so that open sign-up works without a key; rate limited per address.
    config: { access: { public: true, limited: true } },
    schema: {
      tags,
      summary: 'Create a user and its organization (root key, or ORIGO_OPEN_SIGNUP=true); the key is shown once',
      response: replies({ 200: CreatedUserSchema }),
    },
    handler: async (request, reply) => {
      // The auth hook resolved the key, if one was sent.
      if (header(request, 'api-key') !== undefined && !request.principal) {
        throw invalidAuth('The API key is not valid', 'ORIGO_ERR_AUTH_INVALID_KEY');
      }
      const body = jsonBody(request.body);
      return sendJson(reply, 200, await signUp(deps, request.principal, body));
    },
  });

  app.get('/user', {
    config: { access: global('user:read') },
    schema: {
      tags,
      summary: 'The calling user; its API keys unless it may not manage them',
      response: replies({ 200: UserSchema }),
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const mayManage = await request.server.authenticator.mayManageKeys(principal);
      const user = await describeUser(deps, principal, mayManage);
      return sendJson(reply, 200, {
        user_id: user.userId,
        ...(user.keys ? { email: user.email, api_keys: user.keys.map(keyJson) } : {}),
      });
    },
  });

  // An origo extension: rokka has no way to list the organizations of a user.
  app.get('/user/organizations', {
    config: { access: global('user:read') },
    schema: {
      tags,
      summary:
        'The organizations the calling user is an active member of, with its roles, by name (origo extension; empty for the root key)',
      response: replies({ 200: UserOrganizationListSchema }),
    },
    handler: async (request, reply) => {
      const items = await listUserOrganizations(deps, principalOf(request));
      return sendJson(reply, 200, { items });
    },
  });

  app.get('/user/apikeys', {
    config: { access: global('user:keys') },
    schema: {
      tags,
      summary: 'The API keys of the calling user (never the keys themselves)',
      response: replies({ 200: Type.Array(ApiKeySchema) }),
    },
    handler: async (request, reply) => sendJson(reply, 200, (await listKeys(deps, principalOf(request))).map(keyJson)),
  });

  app.post('/user/apikeys', {
    config: { access: global('user:keys') },
    schema: {
      tags,
      summary: 'Add an API key (at most 5); the key is shown once',
      response: replies({ 200: NewApiKeySchema }),
    },
    handler: async (request, reply) => {
      const body = jsonBody(request.body);
      const { record, apiKey } = await addKey(deps, principalOf(request), body);
      return sendJson(reply, 200, { ...keyJson(record), api_key: apiKey });
    },
  });

  app.get('/user/apikeys/current', {
    config: { access: global('user:read') },
    schema: { tags, summary: 'The API key of this request', response: replies({ 200: ApiKeySchema }) },
    handler: async (request, reply) => sendJson(reply, 200, keyJson(await currentKey(deps, principalOf(request)))),
  });

  app.delete('/user/apikeys/:id', {
    config: { access: global('user:keys') },
    schema: {
      tags,
      summary: 'Delete an API key (not the one in use)',
      params: Type.Object({ id: Type.String() }),
      response: replies({ 204: NoContent }),
    },
    handler: async (request, reply) => {
      await deleteKey(deps, principalOf(request), request.params.id);
      return reply.code(204).send();
    },
  });

  app.get('/user/apikeys/token', {
    config: { access: global('user:read') },
    schema: {
      tags,
      summary: 'A JWT for Authorization: Bearer (expires_in, renewable, no_ip_protection, ips)',
      querystring: Type.Object({
        expires_in: Type.Optional(Type.String()),
        renewable: Type.Optional(Type.String()),
        no_ip_protection: Type.Optional(Type.String()),
        ips: Type.Optional(Type.String()),
      }),
      response: replies({ 200: TokenSchema }),
    },
    handler: async (request, reply) => {
      const query = request.query;
      const result = await issueToken(
        deps,
        principalOf(request),
        {
          expiresIn: query['expires_in'],
          renewable: booleanParam(query, 'renewable'),
          noIpProtection: booleanParam(query, 'no_ip_protection'),
          ips: query['ips'],
        },
        request.ip,
        tokenSecret,
      );
      return sendJson(reply, 200, result);
    },
  });
}
