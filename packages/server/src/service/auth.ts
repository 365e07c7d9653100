// Who is calling. API keys are kept only as SHA-256 digests and compared in
// constant time; the plain key is shown once, when it is made.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Organization } from '../storage/catalog/catalog.ts';

/** What a route needs (spec §6.6); each maps to the roles that grant it. */
export type Permission =
  | 'images:read'
  | 'images:download'
  | 'images:create'
  | 'images:write'
  | 'images:lock'
  | 'organizations:read'
  | 'organizations:create';

export type Principal = { kind: 'root' };

export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function generateApiKey(): string {
  // 64 characters of [0-9A-Za-z]-safe base62-ish text: hex keeps it simple and unambiguous.
  return randomBytes(32).toString('hex');
}

export class KeyRing {
  constructor(private readonly rootDigest: Buffer) {}

  /** The principal a presented key stands for, or undefined. Constant time in the key. */
  verify(presented: string): Principal | undefined {
    const digest = keyDigest(presented);
    if (timingSafeEqual(digest, this.rootDigest)) return { kind: 'root' };
    return undefined;
  }
}

/** Whether `principal` may do `permission` (in `org`, for organization-scoped permissions). */
export function isAllowed(principal: Principal, _permission: Permission, _org?: Organization): boolean {
  // Only the root key exists so far; memberships and roles come with tenancy.
  return principal.kind === 'root';
}
