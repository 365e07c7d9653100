// Authentication, rate limiting and authorization for every request, from
// the route's declared access. Missing or wrong API keys answer 403 with
// `invalid_authentication: true` (rokka's historical behaviour); bad Bearer
// tokens answer 401 with the same flag.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isOrigoError, OrigoError } from '../errors.ts';
import type { Authenticator, Permission, Principal } from '../service/auth.ts';
import type { Membership } from '../storage/catalog/accounts.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { requireOrganization } from '../service/organizations.ts';
import type { Limiter, RateLimiter } from '../service/rate-limit.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import type { Access } from './access.ts';
import { addressBucket } from './client-address.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    organization?: Organization;
    /** The principal's active membership in `organization`, when it has one. */
    membership?: Membership;
  }
  interface FastifyInstance {
    authenticator: Authenticator;
    /** Every route with its declared access: the source of the access matrix test. */
    routeTable: { method: string; url: string; access: Access }[];
  }
}

export function invalidAuth(message: string, code: 'ORIGO_ERR_AUTH_MISSING_KEY' | 'ORIGO_ERR_AUTH_INVALID_KEY'): OrigoError {
  return new OrigoError(code, message, { extra: { invalid_authentication: true } });
}

/** A request header's first value, trimmed; undefined when absent or blank. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

async function authenticate(request: FastifyRequest, auth: Authenticator): Promise<Principal> {
  const key = header(request, 'api-key');
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
  // With both, either valid one is enough (rokka.js prefers the token, PHP the key).
  if (key !== undefined) {
    const principal = await auth.fromApiKey(key);
    if (principal) return principal;
    if (bearer === undefined) throw invalidAuth('The API key is not valid', 'ORIGO_ERR_AUTH_INVALID_KEY');
  }
  if (bearer !== undefined) return auth.fromToken(bearer, request.ip);
  throw invalidAuth('No API key given: send it in the Api-Key header (or a token as Authorization: Bearer)', 'ORIGO_ERR_AUTH_MISSING_KEY');
}

function callerId(principal: Principal): string {
  return principal.kind === 'root' ? 'root' : `key:${principal.keyId}`;
}

/**
 * The client the per-address limits count: request.ip (which honours
 * ORIGO_TRUST_PROXY), an IPv6 address by its /64.
 */
function clientAddress(request: FastifyRequest): string {
  return request.ip === undefined ? '?' : addressBucket(request.ip);
}

/** Whether the request presents a credential (an Api-Key or a Bearer token), valid or not. */
function carriesCredential(request: FastifyRequest): boolean {
  return header(request, 'api-key') !== undefined || /^Bearer\s/i.test(header(request, 'authorization') ?? '');
}

function isFailedAuthentication(err: unknown): boolean {
  return isOrigoError(err) && (err.code === 'ORIGO_ERR_AUTH_INVALID_KEY' || err.code === 'ORIGO_ERR_AUTH_INVALID_TOKEN');
}

/**
 * Per client address, at most `authFailuresPerMinute` failed authentications
 * (a wrong key, a bad token): past that, every request of the address that
 * presents a credential is refused before the key is even looked up, so
 * guessing keys costs the catalog nothing. A token is taken before the lookup
 * and given back unless it failed, so requests sent in parallel cannot all
 * pass the check before the first failure is counted: at most the allowance
 * of lookups from one address are in flight at once.
 */
async function limitingFailures<T>(
  request: FastifyRequest,
  failures: RateLimiter,
  lookup: () => Promise<T>,
  succeeded: (result: T) => boolean,
): Promise<T> {
  const address = clientAddress(request);
  const caller = `ip:${address}`;
  const wait = failures.take(caller);
  if (wait > 0) {
    throw new OrigoError(
      'ORIGO_ERR_AUTH_TOO_MANY_FAILURES',
      `Too many failed authentications from ${address}; retry in ${wait} s with a valid key or token`,
      { headers: { 'retry-after': String(wait) } },
    );
  }
  let result: T;
  try {
    result = await lookup();
  } catch (err) {
    if (!isFailedAuthentication(err)) failures.giveBack(caller);
    throw err;
  }
  if (succeeded(result)) failures.giveBack(caller);
  return result;
}

/**
 * Registers authentication, rate limiting (`limiter`, per key; per address on
 * limited public routes) and the failed-authentication limit (`failures`,
 * per client address) for every route.
 */
export function registerAuth(
  app: FastifyInstance,
  deps: ServiceDeps,
  auth: Authenticator,
  limiter: Limiter,
  failures: RateLimiter,
): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('organization', undefined);
  app.decorateRequest('membership', undefined);
  app.decorate('authenticator', auth);
  const routeTable: { method: string; url: string; access: Access }[] = [];
  app.decorate('routeTable', routeTable);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      routeTable.push({ method: String(method), url: route.url, access });
    }
  });

  app.addHook('onRequest', async (request) => {
    const version = request.headers['api-version'];
    if (version !== undefined && String(version).trim() !== '1') {
      throw new OrigoError('ORIGO_ERR_REQUEST_BAD_API_VERSION', `Api-Version ${JSON.stringify(version)} is not supported; use 1 or leave it out`);
    }
    const access = request.routeOptions.config.access;
    if (!access) return;
    if ('public' in access) {
      if (access.limited) {
        // The root key is never limited, on public routes (POST /users) either.
        // A valid key's principal is kept for the handler; an invalid one is its to refuse.
        const key = header(request, 'api-key');
        if (key !== undefined) {
          request.principal = await limitingFailures(request, failures, () => auth.fromApiKey(key), (found) => found !== undefined);
        }
        if (request.principal?.kind !== 'root') await rateLimit(`ip:${clientAddress(request)}`);
      }
      return;
    }

    // Without a credential there is nothing to guess: a blocked address still gets the usual 403.
    const principal = carriesCredential(request)
      ? await limitingFailures(request, failures, () => authenticate(request, auth), () => true)
      : await authenticate(request, auth);
    request.principal = principal;
    // The operator's root key is not throttled.
    if (principal.kind !== 'root') {
      const limited = rateLimit(callerId(principal));
      if (limited !== undefined) await limited;
    }

    if (access.org) {
      const orgName = (request.params as { org?: string }).org ?? '';
      const org = await requireOrganization(deps, orgName);
      const membership = await auth.membership(principal, org);
      if (!auth.grants(principal, access.permission, membership)) {
        throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', `This key may not do ${access.permission} in organization ${org.name}`);
      }
      request.organization = org;
      request.membership = membership;
    } else if (!(await auth.isAllowed(principal, access.permission))) {
      throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', `This key may not do ${access.permission}`);
    }

    /** Throws the 429 when the caller is over its limit; a promise only when the limiter has to ask the database. */
    function rateLimit(caller: string): Promise<void> | undefined {
      const taken = limiter.take(caller);
      // Most takes of the shared limiter are answered in process too: they cost no extra turn.
      if (typeof taken === 'number') {
        refuseIfWaiting(taken);
        return undefined;
      }
      return taken.then(refuseIfWaiting);
    }

    function refuseIfWaiting(wait: number): void {
      if (wait > 0) {
        throw new OrigoError('ORIGO_ERR_RATE_LIMITED', `Too many requests; retry in ${wait} s`, {
          headers: { 'retry-after': String(wait) },
        });
      }
    }
  });
}

/** The organization resolved by the auth hook for an `inOrg` route. */
export function orgOf(request: FastifyRequest): Organization {
  if (!request.organization) throw new Error('route has no organization access declared');
  return request.organization;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route has no authenticated access declared');
  return request.principal;
}

/** A check beyond the route's own permission in its organization (e.g. downloading a protected image), with the membership the auth hook found. */
export function requirePermission(request: FastifyRequest, permission: Permission): void {
  const org = orgOf(request);
  if (!request.server.authenticator.grants(principalOf(request), permission, request.membership)) {
    throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', `This key may not do ${permission} in organization ${org.name}`);
  }
}
