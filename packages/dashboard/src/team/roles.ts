// The roles a membership can grant (docs/reference/users-and-memberships.md),
// in the order the picker shows them, each with what it lets a member do.

import type { Role } from 'origo-client';

export interface RoleInfo {
  name: Role;
  does: string;
}

export const ROLES: readonly RoleInfo[] = [
  { name: 'admin', does: 'everything, including members' },
  { name: 'write', does: 'images and stacks: read, upload, change, delete' },
  { name: 'read', does: 'read images and stacks' },
  { name: 'upload', does: 'upload images only' },
  { name: 'sourceimages:read', does: 'read images' },
  { name: 'sourceimages:write', does: 'read, upload, change and delete images' },
  { name: 'sourceimages:unlock', does: 'lock and unlock images' },
  { name: 'sourceimages:download:protected', does: 'download protected images' },
  { name: 'billing:read', does: 'read the organization' },
];
