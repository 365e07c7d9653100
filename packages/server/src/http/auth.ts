// Authentication and authorization for every request, from the route's
// declared access. Missing or wrong keys answer 403 with
// `invalid_authentication: true` (rokka's historical behaviour).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OrigoError } from '../errors.ts';
import { isAllowed, type KeyRing, type Principal } from '../service/auth.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { requireOrganization } from '../service/organizations.ts';
import type { Organization } from '../storage/catalog/catalog.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    organization?: Organization;
  }
}

function invalidAuth(message: string, code: 'ORIGO_ERR_AUTH_MISSING_KEY' | 'ORIGO_ERR_AUTH_INVALID_KEY'): OrigoError {
  return new OrigoError(code, message, { extra: { invalid_authentication: true } });
}

export function registerAuth(app: FastifyInstance, deps: ServiceDeps, keys: KeyRing): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('organization', undefined);

  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const version = request.headers['api-version'];
    if (version !== undefined && String(version).trim() !== '1') {
      throw new OrigoError('ORIGO_ERR_REQUEST_BAD_API_VERSION', `Api-Version ${JSON.stringify(version)} is not supported; use 1 or leave it out`);
    }
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return;

    const header = request.headers['api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key.trim() === '') {
      throw invalidAuth('No API key given: send it in the Api-Key header', 'ORIGO_ERR_AUTH_MISSING_KEY');
    }
    const principal = keys.verify(key.trim());
    if (!principal) throw invalidAuth('The API key is not valid', 'ORIGO_ERR_AUTH_INVALID_KEY');
    request.principal = principal;

    if (access.org) {
      const orgName = (request.params as { org?: string }).org ?? '';
      const org = await requireOrganization(deps, orgName);
      if (!isAllowed(principal, access.permission, org)) {
        throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', `This key may not do ${access.permission} in organization ${org.name}`);
      }
      request.organization = org;
    } else if (!isAllowed(principal, access.permission)) {
      throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', `This key may not do ${access.permission}`);
    }
  });
}

/** The organization resolved by the auth hook for an `inOrg` route. */
export function orgOf(request: FastifyRequest): Organization {
  if (!request.organization) throw new Error('route has no organization access declared');
  return request.organization;
}
