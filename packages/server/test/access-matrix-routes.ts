// The route table as the spec has it, shared by the access-matrix,
// route-table and organization-walls tests: the roles that grant each
// permission (§6.6), the permission every non-public route must declare, the
// routes the server actually registered, and the image fields they need.

import type { Permission } from '../src/service/auth.ts';
import type { Role } from '../src/storage/catalog/accounts.ts';
import type { TestServer } from './helpers.ts';

const READERS: Role[] = ['admin', 'write', 'read', 'sourceimages:read', 'sourceimages:write'];

/** Spec §6.6: the roles that grant each permission. */
export const SPEC_ROLES: Record<Permission, readonly Role[] | 'any-user'> = {
  'images:read': READERS,
  'images:download': [...READERS, 'sourceimages:download:protected'],
  'images:download:protected': ['admin', 'write', 'read', 'sourceimages:download:protected'],
  'images:create': ['admin', 'write', 'upload', 'sourceimages:write'],
  'images:write': ['admin', 'write', 'sourceimages:write'],
  'images:lock': ['admin', 'sourceimages:unlock'],
  'organizations:read': [...READERS, 'billing:read'],
  'organizations:create': 'any-user',
  'organizations:options': ['admin', 'write'],
  'organizations:signing-keys': ['admin', 'write', 'read'],
  'stacks:read': ['admin', 'write', 'read'],
  'stacks:write': ['admin', 'write'],
  'memberships:manage': ['admin'],
  'user:read': 'any-user',
  'user:keys': 'any-user',
};

/** Every non-public route and the permission it must declare. */
export const DECLARED: Record<string, Permission> = {
  'PUT /organizations/:org': 'organizations:create',
  'GET /organizations/:org': 'organizations:read',
  'HEAD /organizations/:org': 'organizations:read',
  'PUT /organizations/:org/options': 'organizations:options',
  'PUT /organizations/:org/options/:name': 'organizations:options',
  'GET /stacks/:org': 'stacks:read',
  'HEAD /stacks/:org': 'stacks:read',
  'PUT /stacks/:org/:name': 'stacks:write',
  'GET /stacks/:org/:name': 'stacks:read',
  'HEAD /stacks/:org/:name': 'stacks:read',
  'DELETE /stacks/:org/:name': 'stacks:write',
  'DELETE /stacks/:org/:name/cache': 'stacks:write',
  'POST /utils/:org/sign_url': 'organizations:signing-keys',
  'GET /organizations/:org/memberships': 'memberships:manage',
  'HEAD /organizations/:org/memberships': 'memberships:manage',
  'POST /organizations/:org/memberships': 'memberships:manage',
  'GET /organizations/:org/memberships/:user_id': 'memberships:manage',
  'HEAD /organizations/:org/memberships/:user_id': 'memberships:manage',
  'PUT /organizations/:org/memberships/:user_id': 'memberships:manage',
  'DELETE /organizations/:org/memberships/:user_id': 'memberships:manage',
  'GET /user': 'user:read',
  'HEAD /user': 'user:read',
  'GET /user/organizations': 'user:read',
  'HEAD /user/organizations': 'user:read',
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

export interface Image {
  hash: string;
  binary_hash: string;
  protected: boolean;
}

export type Route = { method: string; url: string; permission: Permission; org: boolean };

/** The routes that need access: all but documentation and CORS preflights. */
export function exercisedRoutes(server: TestServer): Route[] {
  const routes: Route[] = [];
  for (const entry of server.app.routeTable) {
    if ('public' in entry.access) continue;
    if (entry.method === 'OPTIONS') continue;
    if (entry.url === '/doc' || entry.url.startsWith('/doc/')) continue;
    routes.push({ method: entry.method, url: entry.url, permission: entry.access.permission, org: entry.access.org });
  }
  return routes;
}
