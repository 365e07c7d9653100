// Every route declares who may call it, in its config. A route without a
// declaration makes buildApp() throw, so no route is ever open by accident.

import type { Permission } from '../service/auth.ts';

export type Access =
  /** Anyone; `limited` routes are rate limited per client address. */
  | { public: true; limited?: boolean }
  /** Needs a valid key with this permission; with `org`, in the organization of the `:org` param. */
  | { permission: Permission; org: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const PUBLIC: Access = { public: true };

export function inOrg(permission: Permission): Access {
  return { permission, org: true };
}

export function global(permission: Permission): Access {
  return { permission, org: false };
}
