// The access matrix, generated from the route table: every route × every
// role × {own organization, a foreign one, no membership}. A route's declared
// permission and PERMISSION_ROLES decide what must pass; everything else must
// be refused with 403, for a member's key and for requests with no valid key.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION_ROLES, type Permission, rolesGrant } from '../src/service/auth.ts';
import { ROLES, type Role } from '../src/storage/catalog/accounts.ts';
import { DECLARED, exercisedRoutes, type Image, type Route, SPEC_ROLES } from './access-matrix-routes.ts';
import { createOrg, form, jpeg, startServer, type TestServer } from './helpers.ts';
import { addLoner, addMember, type CallOptions, type CallResult, call, type Member, root } from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  // One wrong key per route is sent from one address: more than the default
  // 60 failures a minute once the route table grew past it. The limit itself
  // is tested in auth-abuse.test.ts.
  server = await startServer({ ORIGO_AUTH_FAILURES_PER_MINUTE: '100000' });
});
afterAll(() => server.close());

/** Spec §6.4: users with one of these roles anywhere may not manage API keys. */
const KEY_MANAGEMENT_BLOCKERS: Role[] = ['read', 'upload', 'sourceimages:read'];

const USER_ROUTES = ['PUT /organizations/:org', ...Object.keys(DECLARED).filter((r) => r.includes(' /user'))];

let newOrgSeq = 0;

/** The concrete path for a route pattern. */
function concretePath(url: string, org: string, image: Image): string {
  return url
    .split('/')
    .map((part) => {
      if (part === '*') return 'x';
      if (!part.startsWith(':')) return part;
      switch (part.slice(1)) {
        case 'org':
          return org;
        case 'hash':
          return image.hash;
        case 'binaryHash':
          return image.binary_hash;
        case 'user_id':
        case 'id':
          return randomUUID();
        case 'name':
          if (url.startsWith('/stacks/')) return 'matrix-stack';
          if (url.startsWith('/organizations/')) return 'protect_dynamic_stack';
          return url.includes('/dynamic/') ? 'subject_area' : 'title';
        default:
          return 'x';
      }
    })
    .join('/');
}

/** A plausible request for a route: query, headers and body. */
async function requestFor(route: Route, image: Image): Promise<{ query?: string; options: CallOptions }> {
  const { method, url } = route;
  if (method === 'POST' && url === '/sourceimages/:org')
    return { options: { body: form([{ name: 'm.jpg', bytes: await jpeg(1) }]) } };
  if (method === 'DELETE' && url === '/sourceimages/:org')
    return { query: `binaryHash=${image.binary_hash}`, options: {} };
  if (url.endsWith('/options/locked') || url.endsWith('/options/protected')) return { options: { json: false } };
  if (url.endsWith('/name')) return { options: { json: 'renamed.jpg' } };
  if (url.endsWith('/meta/user') && (method === 'PUT' || method === 'PATCH'))
    return { options: { json: { title: 'matrix' } } };
  if (url.endsWith('/meta/user/:name') && method === 'PUT') return { options: { json: 'matrix' } };
  if (url.endsWith('/meta/dynamic/:name') && method === 'PUT')
    return { options: { json: { x: 0, y: 0, width: 4, height: 4 } } };
  if (url === '/stacks/:org/:name' && method === 'PUT')
    return { query: 'overwrite=true', options: { json: { operations: [] } } };
  if (url === '/utils/:org/sign_url')
    return { options: { json: { url: `http://render.test/dynamic/resize-width-10/${image.hash}.png` } } };
  if (url.startsWith('/organizations/:org/options')) {
    return { options: { json: url.endsWith('/:name') ? false : { protect_dynamic_stack: false } } };
  }
  if (url.endsWith('/memberships') && method === 'POST') return { options: { json: { roles: ['read'] } } };
  if (url.endsWith('/memberships/:user_id') && method === 'PUT') return { options: { json: { roles: ['read'] } } };
  // The destination does not exist: a caller allowed to copy gets 400, never 403.
  if (url === '/sourceimages/:org/copy')
    return { options: { json: [image.hash], headers: { destination: 'no-such-org' } } };
  if (method === 'COPY' || url.endsWith('/:hash/copy')) return { options: { headers: { destination: 'no-such-org' } } };
  if (url === '/user/apikeys' && method === 'POST') return { options: { json: { comment: 'matrix' } } };
  return { options: {} };
}

describe('the access matrix', () => {
  const OWN = 'matrix-own';
  const FOREIGN = 'matrix-foreign';
  let plain: Image;
  let protectedImage: Image;
  const own = new Map<Role, Member>();
  const foreign = new Map<Role, Member>();
  let loner: Member;

  beforeAll(async () => {
    for (const org of [OWN, FOREIGN, 'matrix-scratch']) await createOrg(server, org);
    const created = await call(
      server,
      'POST',
      `/sourceimages/${OWN}`,
      root({ body: form([{ name: 'plain.jpg', bytes: await jpeg(1) }]) }),
    );
    plain = created.json.items[0];
    const prot = await call(
      server,
      'POST',
      `/sourceimages/${OWN}`,
      root({
        body: form([{ name: 'protected.jpg', bytes: await jpeg(2) }], {
          'options[0]': JSON.stringify({ protected: true }),
        }),
      }),
    );
    protectedImage = prot.json.items[0];
    expect(protectedImage.protected).toBe(true);
    for (const role of ROLES) {
      own.set(role, await addMember(server, OWN, [role]));
      foreign.set(role, await addMember(server, FOREIGN, [role]));
    }
    loner = await addLoner(server, 'matrix-scratch');
  });

  async function restoreImages(): Promise<void> {
    for (const image of [plain, protectedImage])
      await call(server, 'POST', `/sourceimages/${OWN}/${image.hash}/restore`, root());
  }

  async function exercise(route: Route, key: string, targetOrg: string, image: Image): Promise<CallResult> {
    const { query, options } = await requestFor(route, image);
    const target = route.org
      ? targetOrg
      : route.url === '/organizations/:org'
        ? `matrix-new-${++newOrgSeq}`
        : targetOrg;
    const pathname = concretePath(route.url, target, image) + (query ? `?${query}` : '');
    const res = await call(server, route.method, pathname, { ...options, key });
    // Keep the images there for the next case (an allowed DELETE removes them).
    if (route.method === 'DELETE' && res.status < 300) await restoreImages();
    return res;
  }

  function verdict(res: CallResult, allowed: boolean, what: string): string | undefined {
    if (allowed) {
      if (res.status === 401 || res.status === 403 || res.status >= 500)
        return `${what}: expected access, got ${res.status} ${res.text.slice(0, 160)}`;
      return undefined;
    }
    // HEAD answers carry no body: the status is all there is.
    if (res.status !== 403) return `${what}: expected 403, got ${res.status} ${res.text.slice(0, 160)}`;
    if (what.includes(' HEAD ')) return undefined;
    if (res.json?.error?.origo_code !== 'ORIGO_ERR_AUTH_FORBIDDEN')
      return `${what}: 403 for the wrong reason: ${res.text.slice(0, 160)}`;
    return undefined;
  }

  /** Whether `role` grants `permission` by the spec's table above, not by the code's own. */
  const specGrants = (role: Role, permission: Permission) => {
    const roles = SPEC_ROLES[permission];
    return roles === 'any-user' || roles.includes(role);
  };

  it('every organization route admits exactly the roles of its permission, in the own organization only', async () => {
    const failures: string[] = [];
    // Per route (and image), the roles that got in, from the answers themselves.
    const admitted: Record<string, Role[]> = {};
    const expectedAdmitted: Record<string, Role[]> = {};
    for (const route of exercisedRoutes(server).filter((r) => r.org)) {
      const isDownload = route.url.endsWith('/download');
      // Downloads: the route admits protected-only downloaders, the image decides (spec §2.22).
      for (const image of isDownload ? [plain, protectedImage] : [plain]) {
        const label = image.protected ? ' (protected image)' : '';
        const routeKey = `${route.method} ${route.url}${label}`;
        const permission = DECLARED[`${route.method} ${route.url}`];
        if (permission === undefined) {
          failures.push(`${routeKey}: not in the table of declared permissions`);
          continue;
        }
        const imagePermission: Permission = image.protected ? 'images:download:protected' : 'images:read';
        expectedAdmitted[routeKey] = ROLES.filter(
          (role) => specGrants(role, permission) && (!isDownload || specGrants(role, imagePermission)),
        );
        admitted[routeKey] = [];
        for (const role of ROLES) {
          const ownRes = await exercise(route, own.get(role)!.key, OWN, image);
          const allowed = expectedAdmitted[routeKey]!.includes(role);
          const failure = verdict(ownRes, allowed, `own ${role}: ${routeKey}`);
          if (failure) failures.push(failure);
          if (ownRes.status !== 401 && ownRes.status !== 403 && ownRes.status < 500) admitted[routeKey]!.push(role);
          const foreignRes = await exercise(route, foreign.get(role)!.key, OWN, image);
          const foreignFailure = verdict(foreignRes, false, `foreign ${role}: ${routeKey}`);
          if (foreignFailure) failures.push(foreignFailure);
        }
        const lonerRes = await exercise(route, loner.key, OWN, image);
        const lonerFailure = verdict(lonerRes, false, `no membership: ${routeKey}`);
        if (lonerFailure) failures.push(lonerFailure);
      }
    }
    expect(failures).toEqual([]);
    // A table that lost its routes must not pass quietly.
    expect(Object.keys(admitted).map((k) => k.replace(' (protected image)', ''))).toEqual(
      expect.arrayContaining(Object.keys(DECLARED).filter((r) => !USER_ROUTES.includes(r))),
    );
    expect(admitted).toEqual(expectedAdmitted);
    // Spot checks written out: the matrix must tell roles apart, not admit or refuse everyone.
    expect(admitted['DELETE /sourceimages/:org/:hash']).toEqual(['admin', 'write', 'sourceimages:write']);
    expect(admitted['PUT /sourceimages/:org/:hash/options/locked']).toEqual(['admin', 'sourceimages:unlock']);
    expect(admitted['PUT /stacks/:org/:name']).toEqual(['admin', 'write']);
    expect(admitted['GET /stacks/:org/:name']).toEqual(['admin', 'write', 'read']);
    expect(admitted['POST /utils/:org/sign_url']).toEqual(['admin', 'write', 'read']);
    expect(admitted['PUT /organizations/:org/options/:name']).toEqual(['admin', 'write']);
    expect(admitted['GET /sourceimages/:org/:hash/download (protected image)']).toEqual([
      'admin',
      'write',
      'read',
      'sourceimages:download:protected',
    ]);
  });

  it('every user route admits any user, except key management for users with read, upload or sourceimages:read somewhere', async () => {
    const failures: string[] = [];
    const userRoutes = exercisedRoutes(server).filter((r) => !r.org);
    expect(userRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /user', 'POST /user/apikeys', 'PUT /organizations/:org']),
    );
    for (const route of userRoutes) {
      for (const role of ROLES) {
        const res = await exercise(route, own.get(role)!.key, OWN, plain);
        const allowed =
          rolesGrant([role], route.permission) &&
          !(route.permission === 'user:keys' && KEY_MANAGEMENT_BLOCKERS.includes(role));
        const failure = verdict(res, allowed, `user with ${role}: ${route.method} ${route.url}`);
        if (failure) failures.push(failure);
      }
      const res = await exercise(route, loner.key, OWN, plain);
      const failure = verdict(
        res,
        PERMISSION_ROLES[route.permission] === 'any-user',
        `user without membership: ${route.method} ${route.url}`,
      );
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  });

  it('requests without a key, or with an unknown one, are refused on every non-public route', async () => {
    const failures: string[] = [];
    for (const route of exercisedRoutes(server)) {
      const pathname = concretePath(route.url, OWN, plain);
      for (const key of [undefined, 'not-a-key-0123456789']) {
        const res = await call(server, route.method, pathname, key === undefined ? {} : { key });
        if (res.status !== 403 || (route.method !== 'HEAD' && res.json?.invalid_authentication !== true)) {
          failures.push(
            `${key ? 'bad key' : 'no key'}: ${route.method} ${route.url} → ${res.status} ${res.text.slice(0, 120)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
