// Authentication, rate limiting and authorization for every request, from
// the route's declared access. Missing or wrong API keys answer 403 with
// `invalid_authentication: true` (rokka's historical behaviour); bad Bearer
// tokens answer 401 with the same flag.

import type { FastifyError, FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { isOrigoError, OrigoError } from '../errors.ts';
import { Lru } from '../lru.ts';
import type { Authenticator, Permission, Principal } from '../service/auth.ts';
import type { ServiceDeps } from '../service/deps.ts';
import { rememberedOrganization, requireOrganization } from '../service/organizations.ts';
import type { Limiter, RateLimiter } from '../service/rate-limit.ts';
import type { Membership } from '../storage/catalog/accounts.ts';
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

export function invalidAuth(
  message: string,
  code: 'ORIGO_ERR_AUTH_MISSING_KEY' | 'ORIGO_ERR_AUTH_INVALID_KEY',
): OrigoError {
  return new OrigoError(code, message, { extra: { invalid_authentication: true } });
}

/** A request header's first value, trimmed; undefined when absent or blank. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

/** What a request presents to authenticate itself. */
interface Credentials {
  key: string | undefined;
  bearer: string | undefined;
  /** An Api-Key or a Bearer token, valid or not. */
  presented: boolean;
}

function credentialsOf(request: FastifyRequest): Credentials {
  const key = header(request, 'api-key');
  const authorization = header(request, 'authorization');
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  return {
    key,
    bearer,
    presented: key !== undefined || (authorization !== undefined && /^Bearer\s/i.test(authorization)),
  };
}

/**
 * Most checks of a request are answered at once (the root key, an
 * organization seen before); the others need a lookup. A step returns its
 * value when it has it and a promise when it has to wait, so that a request
 * costs no promise (and no closure) it does not need.
 */
type Maybe<T> = T | Promise<T>;

function authenticate(request: FastifyRequest, credentials: Credentials, auth: Authenticator): Maybe<Principal> {
  const { key, bearer } = credentials;
  // With both, either valid one is enough (rokka.js prefers the token, PHP the key).
  if (key !== undefined) {
    const found = auth.fromApiKey(key);
    if (found instanceof Promise) return found.then((principal) => principal ?? notTheKey(request, bearer, auth));
    return found;
  }
  if (bearer !== undefined) return auth.fromToken(bearer, request.ip);
  throw invalidAuth(
    'No API key given: send it in the Api-Key header (or a token as Authorization: Bearer)',
    'ORIGO_ERR_AUTH_MISSING_KEY',
  );
}

/** After a key that is not valid: the token, if there is one, else the 403. */
function notTheKey(request: FastifyRequest, bearer: string | undefined, auth: Authenticator): Maybe<Principal> {
  if (bearer === undefined) throw invalidAuth('The API key is not valid', 'ORIGO_ERR_AUTH_INVALID_KEY');
  return auth.fromToken(bearer, request.ip);
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

/** Addresses whose bucket name is remembered: a few bytes each. */
const ADDRESS_CALLERS = 10_000;
const addressCallers = new Lru<string, string>(ADDRESS_CALLERS);

/**
 * The name the per-address limits know the client by (`ip:` and its
 * clientAddress), remembered per request.ip: the same addresses call again
 * and again, and the same string is then found in the limiter's buckets at
 * once (its hash is kept with it).
 */
function addressCaller(request: FastifyRequest): string {
  const ip = request.ip;
  if (ip === undefined) return 'ip:?';
  let caller = addressCallers.get(ip);
  if (caller === undefined) {
    caller = `ip:${addressBucket(ip)}`;
    addressCallers.set(ip, caller);
  }
  return caller;
}

function isFailedAuthentication(err: unknown): boolean {
  return (
    isOrigoError(err) && (err.code === 'ORIGO_ERR_AUTH_INVALID_KEY' || err.code === 'ORIGO_ERR_AUTH_INVALID_TOKEN')
  );
}

/**
 * Per client address, at most `authFailuresPerMinute` failed authentications
 * (a wrong key, a bad token): past that, every request of the address that
 * presents a credential is refused before the key is even looked up, so
 * guessing keys costs the catalog nothing. A token is taken before the lookup
 * and given back unless it failed, so requests sent in parallel cannot all
 * pass the check before the first failure is counted: at most the allowance
 * of lookups from one address are in flight at once.
 *
 * Takes the address's token, or throws the 429; returns the bucket to give it back to.
 */
function takeFailureToken(request: FastifyRequest, failures: RateLimiter): string {
  const caller = addressCaller(request);
  const wait = failures.take(caller);
  if (wait > 0) {
    throw new OrigoError(
      'ORIGO_ERR_AUTH_TOO_MANY_FAILURES',
      `Too many failed authentications from ${clientAddress(request)}; retry in ${wait} s with a valid key or token`,
      { headers: { 'retry-after': String(wait) } },
    );
  }
  return caller;
}

/** A lookup that threw: its token is given back unless the credential was wrong. */
function lookupFailed(failures: RateLimiter, caller: string, err: unknown): never {
  if (!isFailedAuthentication(err)) failures.giveBack(caller);
  throw err;
}

/** `authenticate` within the failed-authentication limit. */
function authenticateCounted(request: FastifyRequest, credentials: Credentials, checks: Checks): Maybe<Principal> {
  const { failures } = checks;
  const caller = takeFailureToken(request, failures);
  let principal: Maybe<Principal>;
  try {
    principal = authenticate(request, credentials, checks.auth);
  } catch (err) {
    return lookupFailed(failures, caller, err);
  }
  if (principal instanceof Promise) {
    return principal.then(
      (found) => {
        failures.giveBack(caller);
        return found;
      },
      (err: unknown) => lookupFailed(failures, caller, err),
    );
  }
  failures.giveBack(caller);
  return principal;
}

/** Throws the 429 when the caller is over its limit; a promise only when the limiter has to ask the database. */
function rateLimit(limiter: Limiter, caller: string): Promise<void> | undefined {
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

/** What the access checks need. */
interface Checks {
  deps: ServiceDeps;
  auth: Authenticator;
  limiter: Limiter;
  failures: RateLimiter;
}

type KeyAccess = Extract<Access, { permission: Permission }>;

/** A route that needs a key: who calls, within their rate limit, with the permission (in the route's organization). */
function checkKey(request: FastifyRequest, access: KeyAccess, checks: Checks): Maybe<void> {
  const credentials = credentialsOf(request);
  // Without a credential there is nothing to guess: a blocked address still gets the usual 403.
  const principal = credentials.presented
    ? authenticateCounted(request, credentials, checks)
    : authenticate(request, credentials, checks.auth);
  if (principal instanceof Promise) return principal.then((found) => admit(request, access, found, checks));
  return admit(request, access, principal, checks);
}

function admit(request: FastifyRequest, access: KeyAccess, principal: Principal, checks: Checks): Maybe<void> {
  request.principal = principal;
  // The operator's root key is not throttled.
  const limited = principal.kind === 'root' ? undefined : rateLimit(checks.limiter, callerId(principal));
  if (limited !== undefined) return limited.then(() => authorize(request, access, principal, checks));
  return authorize(request, access, principal, checks);
}

/** The route's `:org` (every route whose access names an organization has one; the hook runs for all routes, so its params are untyped). */
function orgParam(request: FastifyRequest): string {
  const params: unknown = request.params;
  return typeof params === 'object' && params !== null && 'org' in params && typeof params.org === 'string'
    ? params.org
    : '';
}

function authorize(request: FastifyRequest, access: KeyAccess, principal: Principal, checks: Checks): Maybe<void> {
  if (!access.org) {
    if (principal.kind === 'root') return;
    return checks.auth.isAllowed(principal, access.permission).then((allowed) => {
      if (!allowed) throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', `This key may not do ${access.permission}`);
    });
  }
  const name = orgParam(request);
  const org = rememberedOrganization(checks.deps, name);
  if (org === undefined)
    return requireOrganization(checks.deps, name).then((found) =>
      authorizeIn(request, access, principal, found, checks),
    );
  return authorizeIn(request, access, principal, org, checks);
}

function authorizeIn(
  request: FastifyRequest,
  access: KeyAccess,
  principal: Principal,
  org: Organization,
  checks: Checks,
): Maybe<void> {
  // The root key may do anything in every organization, and is a member of none.
  if (principal.kind === 'root') {
    request.organization = org;
    return;
  }
  return checks.auth.membership(principal, org).then((membership) => {
    if (!checks.auth.grants(principal, access.permission, membership)) {
      throw new OrigoError(
        'ORIGO_ERR_AUTH_FORBIDDEN',
        `This key may not do ${access.permission} in organization ${org.name}`,
      );
    }
    request.organization = org;
    request.membership = membership;
  });
}

/** A limited public route: a valid key's principal is kept for the handler (an invalid one is its to refuse); callers without the root key are limited per address. */
async function checkLimitedPublic(request: FastifyRequest, checks: Checks): Promise<void> {
  // The root key is never limited, on public routes (POST /users) either.
  const key = header(request, 'api-key');
  if (key !== undefined) {
    const caller = takeFailureToken(request, checks.failures);
    try {
      request.principal = await checks.auth.fromApiKey(key);
    } catch (err) {
      lookupFailed(checks.failures, caller, err);
    }
    if (request.principal !== undefined) checks.failures.giveBack(caller);
  }
  if (request.principal?.kind !== 'root') await rateLimit(checks.limiter, addressCaller(request));
}

/** The onRequest hook of a route with this access; undefined for a public route without a limit. */
function accessHook(access: Access, checks: Checks): onRequestHookHandler | undefined {
  if ('public' in access) return access.limited ? asHook((request) => checkLimitedPublic(request, checks)) : undefined;
  return asHook((request) => checkKey(request, access, checks));
}

/** A callback hook for a check that is done at once (undefined) or later (a promise). */
function asHook(check: (request: FastifyRequest) => Maybe<void>): onRequestHookHandler {
  return (request, _reply, done) => {
    let pending: Maybe<void>;
    try {
      pending = check(request);
    } catch (err) {
      done(err as FastifyError);
      return;
    }
    if (pending instanceof Promise)
      pending.then(
        () => done(),
        (err: FastifyError) => done(err),
      );
    else done();
  };
}

/** The refusal of an Api-Version other than 1; undefined when it is 1 or absent. Checked for every request (request-hooks.ts). */
export function apiVersionError(request: FastifyRequest): OrigoError | undefined {
  const version = request.headers['api-version'];
  if (version === undefined || String(version).trim() === '1') return undefined;
  return new OrigoError(
    'ORIGO_ERR_REQUEST_BAD_API_VERSION',
    `Api-Version ${JSON.stringify(version)} is not supported; use 1 or leave it out`,
  );
}

/**
 * Registers authentication, rate limiting (`limiter`, per key; per address on
 * limited public routes) and the failed-authentication limit (`failures`,
 * per client address) for every route, as a hook of the route itself: its
 * access is known when the route is made, and public routes need none.
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
  const checks: Checks = { deps, auth, limiter, failures };

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      routeTable.push({ method: String(method), url: route.url, access });
    }
    const hook = accessHook(access, checks);
    if (hook === undefined) return;
    // After the route's own onRequest hooks, if it has any; the app's run before all of them.
    const own = route.onRequest;
    route.onRequest = own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook];
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
