// The access matrix, generated from the route table: every route × every
// role × {own organization, a foreign one, no membership}. A route's declared
// permission and PERMISSION_ROLES decide what must pass; everything else must
// be refused with 403. Then explicit checks that organizations are walls.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { keyDigest, PERMISSION_ROLES, type Permission, rolesGrant } from '../src/service/auth.ts';
import { ROLES, type Role } from '../src/storage/catalog/accounts.ts';
import { closeStorage, openStorage } from '../src/storage/index.ts';
import { imageCount } from './catalog-rows.ts';
import { createOrg, form, jpeg, startServer, type TestServer } from './helpers.ts';
import {
  addLoner,
  addMember,
  type CallOptions,
  type CallResult,
  call,
  type Member,
  root,
  signUp,
  uploadAs,
} from './tenancy-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Spec §6.4: users with one of these roles anywhere may not manage API keys. */
const KEY_MANAGEMENT_BLOCKERS: Role[] = ['read', 'upload', 'sourceimages:read'];

const READERS: Role[] = ['admin', 'write', 'read', 'sourceimages:read', 'sourceimages:write'];

/** Spec §6.6: the roles that grant each permission. */
const SPEC_ROLES: Record<Permission, readonly Role[] | 'any-user'> = {
  'images:read': READERS,
  'images:download': [...READERS, 'sourceimages:download:protected'],
  'images:download:protected': ['admin', 'write', 'read', 'sourceimages:download:protected'],
  'images:create': ['admin', 'write', 'upload', 'sourceimages:write'],
  'images:write': ['admin', 'write', 'sourceimages:write'],
  'images:lock': ['admin', 'sourceimages:unlock'],
  'organizations:read': [...READERS, 'billing:read'],
  'organizations:create': 'any-user',
  'memberships:manage': ['admin'],
  'user:read': 'any-user',
  'user:keys': 'any-user',
};

/** Every non-public route and the permission it must declare. */
const DECLARED: Record<string, Permission> = {
  'PUT /organizations/:org': 'organizations:create',
  'GET /organizations/:org': 'organizations:read',
  'HEAD /organizations/:org': 'organizations:read',
  'GET /organizations/:org/memberships': 'memberships:manage',
  'HEAD /organizations/:org/memberships': 'memberships:manage',
  'POST /organizations/:org/memberships': 'memberships:manage',
  'GET /organizations/:org/memberships/:user_id': 'memberships:manage',
  'HEAD /organizations/:org/memberships/:user_id': 'memberships:manage',
  'PUT /organizations/:org/memberships/:user_id': 'memberships:manage',
  'DELETE /organizations/:org/memberships/:user_id': 'memberships:manage',
  'GET /user': 'user:read',
  'HEAD /user': 'user:read',
  'GET /user/apikeys': 'user:keys',
  'HEAD /user/apikeys': 'user:keys',
  'POST /user/apikeys': 'user:keys',
  'GET /user/apikeys/current': 'user:read',
  'HEAD /user/apikeys/current': 'user:read',
  'DELETE /user/apikeys/:id': 'user:keys',
  'GET /user/apikeys/token': 'user:read',
  'HEAD /user/apikeys/token': 'user:read',
  'COPY /sourceimages/:org/:hash': 'images:read',
  'POST /sourceimages/:org/:hash/copy': 'images:read',
  'POST /sourceimages/:org/copy': 'images:read',
  'PUT /sourceimages/:org/:hash/options/protected': 'images:write',
  'POST /sourceimages/:org': 'images:create',
  'GET /sourceimages/:org': 'images:read',
  'HEAD /sourceimages/:org': 'images:read',
  'DELETE /sourceimages/:org': 'images:write',
  'GET /sourceimages/:org/binaryhash/:binaryHash': 'images:read',
  'HEAD /sourceimages/:org/binaryhash/:binaryHash': 'images:read',
  'GET /sourceimages/:org/:hash': 'images:read',
  'HEAD /sourceimages/:org/:hash': 'images:read',
  'DELETE /sourceimages/:org/:hash': 'images:write',
  'GET /sourceimages/:org/:hash/download': 'images:download',
  'HEAD /sourceimages/:org/:hash/download': 'images:download',
  'POST /sourceimages/:org/:hash/restore': 'images:write',
  'PUT /sourceimages/:org/:hash/name': 'images:write',
  'PUT /sourceimages/:org/:hash/options/locked': 'images:lock',
  'GET /sourceimages/:org/:hash/meta/user': 'images:read',
  'HEAD /sourceimages/:org/:hash/meta/user': 'images:read',
  'PUT /sourceimages/:org/:hash/meta/user': 'images:write',
  'PATCH /sourceimages/:org/:hash/meta/user': 'images:write',
  'DELETE /sourceimages/:org/:hash/meta/user': 'images:write',
  'GET /sourceimages/:org/:hash/meta/user/:name': 'images:read',
  'HEAD /sourceimages/:org/:hash/meta/user/:name': 'images:read',
  'PUT /sourceimages/:org/:hash/meta/user/:name': 'images:write',
  'DELETE /sourceimages/:org/:hash/meta/user/:name': 'images:write',
  'PUT /sourceimages/:org/:hash/meta/dynamic/:name': 'images:write',
  'DELETE /sourceimages/:org/:hash/meta/dynamic/:name': 'images:write',
};
const USER_ROUTES = ['PUT /organizations/:org', ...Object.keys(DECLARED).filter((r) => r.includes(' /user'))];

interface Image {
  hash: string;
  binary_hash: string;
  protected: boolean;
}

type Route = { method: string; url: string; permission: Permission; org: boolean };

function exercisedRoutes(): Route[] {
  const routes: Route[] = [];
  for (const entry of server.app.routeTable) {
    if ('public' in entry.access) continue;
    if (entry.method === 'OPTIONS') continue;
    if (entry.url === '/doc' || entry.url.startsWith('/doc/')) continue;
    routes.push({ method: entry.method, url: entry.url, permission: entry.access.permission, org: entry.access.org });
  }
  return routes;
}

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
    for (const route of exercisedRoutes().filter((r) => r.org)) {
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
    expect(admitted['GET /sourceimages/:org/:hash/download (protected image)']).toEqual([
      'admin',
      'write',
      'read',
      'sourceimages:download:protected',
    ]);
  });

  it('every user route admits any user, except key management for users with read, upload or sourceimages:read somewhere', async () => {
    const failures: string[] = [];
    const userRoutes = exercisedRoutes().filter((r) => !r.org);
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
    for (const route of exercisedRoutes()) {
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

describe('the route table', () => {
  it('declares for every route the permission of spec §6.6, and the permissions grant the roles of §6.6', () => {
    const declared: Record<string, string> = {};
    for (const r of exercisedRoutes()) declared[`${r.method} ${r.url}`] = r.permission;
    // A new route must be added here with its permission: no route is open or mis-declared by accident.
    expect(declared).toEqual(DECLARED);
    expect(PERMISSION_ROLES).toEqual(SPEC_ROLES);
  });

  it('declares a known permission (or public) for every route', () => {
    const known = new Set(Object.keys(PERMISSION_ROLES));
    expect(server.app.routeTable.length).toBeGreaterThan(40);
    const unknown = server.app.routeTable.filter((r) => !('public' in r.access) && !known.has(r.access.permission));
    expect(unknown).toEqual([]);
    // Only documentation, sign-up and CORS preflights are public.
    const publicRoutes = server.app.routeTable.filter((r) => 'public' in r.access && !r.url.startsWith('/doc'));
    expect(publicRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['OPTIONS /*', 'POST /users']);
  });

  it('refuses to register a route that declares no access', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-test-'));
    const config = loadConfig({ ORIGO_DATA_DIR: dataDir, ORIGO_LOG_LEVEL: 'silent' });
    const storage = await openStorage(config);
    const app = await buildApp({
      config,
      storage,
      rootKeyDigest: keyDigest('another-root-key-0123456789'),
      logger: false,
    });
    try {
      expect(() => app.get('/undeclared', async () => 'open')).toThrow(/declares no access/);
      expect(() =>
        app.get('/declared', { config: { access: { permission: 'user:read', org: false } } }, async () => 'ok'),
      ).not.toThrow();
      expect(app.routeTable.some((r) => r.url === '/undeclared')).toBe(false);
      expect(app.routeTable.some((r) => r.url === '/declared')).toBe(true);
    } finally {
      await app.close();
      await closeStorage(storage);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('organizations are walls', () => {
  let a: { key: string };
  let b: { key: string };
  let imageA: Image;
  let imageB: Image & { short_hash: string };
  let before: CallResult;

  beforeAll(async () => {
    a = await signUp(server, 'wall-a');
    b = await signUp(server, 'wall-b');
    imageA = await uploadAs(server, a.key, 'wall-a', 'a.jpg', await jpeg(11));
    imageB = await uploadAs(server, b.key, 'wall-b', 'b.jpg', await jpeg(12), {
      'meta_user[0]': JSON.stringify({ owner: 'b' }),
    });
    before = await call(server, 'GET', `/sourceimages/wall-b/${imageB.hash}`, root());
  });

  /** Everything a key of wall-a might try on wall-b. */
  function attempts(): { what: string; method: string; path: string; options?: CallOptions }[] {
    const h = imageB.hash;
    return [
      { what: 'list', method: 'GET', path: '/sourceimages/wall-b' },
      { what: 'find by binary hash', method: 'GET', path: `/sourceimages/wall-b/binaryhash/${imageB.binary_hash}` },
      { what: 'get', method: 'GET', path: `/sourceimages/wall-b/${h}` },
      { what: 'get by short hash', method: 'GET', path: `/sourceimages/wall-b/${imageB.short_hash}` },
      { what: 'get a hash that does not exist', method: 'GET', path: `/sourceimages/wall-b/${'0'.repeat(40)}` },
      { what: 'download', method: 'GET', path: `/sourceimages/wall-b/${h}/download` },
      { what: 'download headers', method: 'HEAD', path: `/sourceimages/wall-b/${h}/download` },
      { what: 'read metadata', method: 'GET', path: `/sourceimages/wall-b/${h}/meta/user` },
      { what: 'read a metadata field', method: 'GET', path: `/sourceimages/wall-b/${h}/meta/user/owner` },
      {
        what: 'replace metadata',
        method: 'PUT',
        path: `/sourceimages/wall-b/${h}/meta/user`,
        options: { json: { owner: 'a' } },
      },
      {
        what: 'merge metadata',
        method: 'PATCH',
        path: `/sourceimages/wall-b/${h}/meta/user`,
        options: { json: { owner: 'a' } },
      },
      {
        what: 'set a metadata field',
        method: 'PUT',
        path: `/sourceimages/wall-b/${h}/meta/user/owner`,
        options: { json: 'a' },
      },
      { what: 'clear metadata', method: 'DELETE', path: `/sourceimages/wall-b/${h}/meta/user` },
      {
        what: 'set dynamic metadata',
        method: 'PUT',
        path: `/sourceimages/wall-b/${h}/meta/dynamic/subject_area`,
        options: { json: { x: 0, y: 0, width: 2, height: 2 } },
      },
      { what: 'rename', method: 'PUT', path: `/sourceimages/wall-b/${h}/name`, options: { json: 'stolen.jpg' } },
      { what: 'lock', method: 'PUT', path: `/sourceimages/wall-b/${h}/options/locked`, options: { json: true } },
      { what: 'protect', method: 'PUT', path: `/sourceimages/wall-b/${h}/options/protected`, options: { json: true } },
      { what: 'delete', method: 'DELETE', path: `/sourceimages/wall-b/${h}` },
      {
        what: 'delete by binary hash',
        method: 'DELETE',
        path: `/sourceimages/wall-b?binaryHash=${imageB.binary_hash}`,
      },
      { what: 'restore', method: 'POST', path: `/sourceimages/wall-b/${h}/restore` },
      {
        what: 'upload',
        method: 'POST',
        path: '/sourceimages/wall-b',
        options: { body: form([{ name: 'x.jpg', bytes: Buffer.alloc(0) }]) },
      },
      {
        what: 'copy out (COPY)',
        method: 'COPY',
        path: `/sourceimages/wall-b/${h}`,
        options: { headers: { destination: 'wall-a' } },
      },
      {
        what: 'copy out (POST)',
        method: 'POST',
        path: `/sourceimages/wall-b/${h}/copy`,
        options: { headers: { destination: 'wall-a' } },
      },
      {
        what: 'batch copy out',
        method: 'POST',
        path: '/sourceimages/wall-b/copy',
        options: { json: [h], headers: { destination: 'wall-a' } },
      },
      {
        what: 'copy in (COPY)',
        method: 'COPY',
        path: `/sourceimages/wall-a/${imageA.hash}`,
        options: { headers: { destination: 'wall-b' } },
      },
      {
        what: 'copy in (POST)',
        method: 'POST',
        path: `/sourceimages/wall-a/${imageA.hash}/copy`,
        options: { headers: { destination: 'wall-b' } },
      },
      {
        what: 'batch copy in',
        method: 'POST',
        path: '/sourceimages/wall-a/copy',
        options: { json: [imageA.hash], headers: { destination: 'wall-b' } },
      },
      { what: 'read the organization', method: 'GET', path: '/organizations/wall-b' },
      { what: 'list its members', method: 'GET', path: '/organizations/wall-b/memberships' },
      {
        what: 'join it',
        method: 'PUT',
        path: '/organizations/wall-b/memberships/x',
        options: { json: { roles: ['admin'] } },
      },
      {
        what: 'add a member to it',
        method: 'POST',
        path: '/organizations/wall-b/memberships',
        options: { json: { roles: ['admin'] } },
      },
    ];
  }

  it('refuses every read, change and copy of a foreign organization with 403, by key and by token', async () => {
    const token = (await call(server, 'GET', '/user/apikeys/token', { key: a.key })).json.token as string;
    expect(token).toEqual(expect.any(String));
    const failures: string[] = [];
    for (const attempt of attempts()) {
      for (const credentials of [{ key: a.key }, { token }]) {
        const res = await call(server, attempt.method, attempt.path, { ...attempt.options, ...credentials });
        const how = credentials.key ? 'key' : 'token';
        if (res.status !== 403) failures.push(`${attempt.what} (${how}): ${res.status} ${res.text.slice(0, 160)}`);
        else if (attempt.method !== 'HEAD' && res.json?.error?.origo_code !== 'ORIGO_ERR_AUTH_FORBIDDEN') {
          failures.push(`${attempt.what} (${how}): 403 for the wrong reason: ${res.text.slice(0, 160)}`);
        }
        // Nothing of wall-b leaks into the refusal.
        if (res.text.includes(imageB.binary_hash) || res.text.includes('b.jpg'))
          failures.push(`${attempt.what} (${how}): leaks ${res.text}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('left both organizations exactly as they were', async () => {
    const after = await call(server, 'GET', `/sourceimages/wall-b/${imageB.hash}`, root());
    expect(after.status).toBe(200);
    expect(after.json).toEqual(before.json);
    expect(after.json.user_metadata).toEqual({ owner: 'b' });
    expect(after.json.locked).toBe(false);
    expect(after.json.name).toBe('b.jpg');
    expect(await imageCount(server, 'wall-b')).toBe(1);
    expect(await imageCount(server, 'wall-a')).toBe(1);
    expect((await call(server, 'GET', `/sourceimages/wall-a/${imageB.hash}`, root())).status).toBe(404);
    expect((await call(server, 'GET', `/sourceimages/wall-b/${imageA.hash}`, root())).status).toBe(404);
    const members = await call(server, 'GET', '/organizations/wall-b/memberships', root());
    expect(members.json.total).toBe(1);
  });

  it('the same reads succeed for the owner (the refusals are not malformed requests)', async () => {
    for (const attempt of attempts().filter((x) => x.method === 'GET' && !x.what.includes('does not exist'))) {
      const res = await call(server, attempt.method, attempt.path, { ...attempt.options, key: b.key });
      expect(res.status, `${attempt.what}: ${res.text.slice(0, 160)}`).toBe(200);
    }
    // And copying wall-a's image out to wall-a's own second organization works for a, so copy refusals were the wall.
    const put = await call(server, 'PUT', '/organizations/wall-a2', { key: a.key, json: {} });
    expect(put.status).toBe(200);
    const copied = await call(server, 'COPY', `/sourceimages/wall-a/${imageA.hash}`, {
      key: a.key,
      headers: { destination: 'wall-a2' },
    });
    expect(copied.status).toBe(201);
  });
});
