// Who is calling, and what they may do. API keys are kept only as SHA-256
// digests and compared in constant time; the plain key is shown once, when
// it is made. Organizations are walls: a user reaches one only through a
// membership, with the roles of spec §6.6.

import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { OrigoError } from '../errors.ts';
import { Lru } from '../lru.ts';
import type { Accounts, Membership, Role } from '../storage/catalog/accounts.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import { type TokenPayload, verifyToken } from './tokens.ts';

/** What a route needs; each maps to the roles that grant it. */
export type Permission =
  | 'images:read'
  | 'images:download'
  | 'images:download:protected'
  | 'images:create'
  | 'images:write'
  | 'images:lock'
  | 'organizations:read'
  | 'organizations:create'
  | 'organizations:options'
  | 'organizations:signing-keys'
  | 'stacks:read'
  | 'stacks:write'
  | 'memberships:manage'
  | 'user:read'
  | 'user:keys';

const READ_ROLES: Role[] = ['admin', 'write', 'read', 'sourceimages:read', 'sourceimages:write'];

/** Spec §6.6, one line per permission. */
export const PERMISSION_ROLES: Record<Permission, readonly Role[] | 'any-user'> = {
  'images:read': READ_ROLES,
  // The route admits protected-only downloaders; the image decides (see canDownload).
  'images:download': [...READ_ROLES, 'sourceimages:download:protected'],
  'images:download:protected': ['admin', 'write', 'read', 'sourceimages:download:protected'],
  'images:create': ['admin', 'write', 'upload', 'sourceimages:write'],
  'images:write': ['admin', 'write', 'sourceimages:write'],
  'images:lock': ['admin', 'sourceimages:unlock'],
  'organizations:read': [...READ_ROLES, 'billing:read'],
  'organizations:create': 'any-user',
  // Organization options are configuration like stacks: what write may set.
  'organizations:options': ['admin', 'write'],
  // Who may sign render URLs: not the roles limited to source images or billing.
  'organizations:signing-keys': ['admin', 'write', 'read'],
  // The sourceimages:* roles reach source images only, not stacks (rokka's roles).
  'stacks:read': ['admin', 'write', 'read'],
  'stacks:write': ['admin', 'write'],
  'memberships:manage': ['admin'],
  'user:read': 'any-user',
  'user:keys': 'any-user',
};

/** Users with one of these roles anywhere may not manage API keys (spec §6.4). */
const KEY_MANAGEMENT_BLOCKERS: Role[] = ['read', 'upload', 'sourceimages:read'];

export type Principal =
  | { kind: 'root' }
  | { kind: 'user'; userId: string; email: string | null; keyId: string; token?: TokenPayload };

const ROOT: Principal = Object.freeze({ kind: 'root' });

// One-shot crypto.hash (Node 20.12+) skips the Hash object: about 1 µs less
// per request than createHash, on every authenticated request.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

export function keyDigest(key: string): Buffer {
  return oneShot ? oneShot('sha256', key, 'buffer') : createHash('sha256').update(key, 'utf8').digest();
}

/** 64 lowercase hex characters (256 bits). */
export function generateApiKey(): string {
  return randomBytes(32).toString('hex');
}

export function rolesGrant(roles: readonly Role[], permission: Permission): boolean {
  const granted = PERMISSION_ROLES[permission];
  return granted === 'any-user' || roles.some((r) => granted.includes(r));
}

const family = (a: string) => (net.isIPv6(a) ? 'ipv6' : 'ipv4');

/**
 * A token's address list, built once per distinct list (every request with
 * the token checks it). The most recently used 1000 lists: tokens limited to
 * addresses are few, and one rebuilt after eviction costs microseconds.
 */
const blockLists = new Lru<string, net.BlockList>(1000);

function blockListOf(allowed: string[]): net.BlockList {
  const key = allowed.join(',');
  let list = blockLists.get(key);
  if (list) return list;
  list = new net.BlockList();
  for (const entry of allowed) {
    const [address, bits] = entry.split('/');
    if (!address || net.isIP(address) === 0) continue;
    if (bits === undefined) list.addAddress(address, family(address));
    else list.addSubnet(address, Number(bits), family(address));
  }
  blockLists.set(key, list);
  return list;
}

function ipAllowed(ip: string, allowed: string[]): boolean {
  const plain = ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  return blockListOf(allowed).check(plain, family(plain));
}

function tokenError(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_AUTH_INVALID_TOKEN', message, { extra: { invalid_authentication: true } });
}

const TOUCH_EVERY_MS = 60_000;
/**
 * Keys whose last use is remembered: forgetting one costs only an early
 * last-use write, so 10,000 keys in use within a minute are plenty.
 */
const TOUCHED_KEYS = 10_000;

export class Authenticator {
  private readonly touched = new Lru<string, number>(TOUCHED_KEYS);

  constructor(
    private readonly accounts: Accounts,
    private readonly rootDigest: Buffer,
    private readonly tokenSecret: Buffer,
    private readonly now: () => Date,
  ) {}

  /**
   * The principal of an API key, or undefined. The key is only ever compared
   * as a digest, in constant time. The root key is known at once; any other
   * is looked up, so the answer is a promise.
   */
  fromApiKey(presented: string): Principal | Promise<Principal | undefined> {
    const digest = keyDigest(presented);
    if (timingSafeEqual(digest, this.rootDigest)) return ROOT;
    return this.userOfKey(digest);
  }

  private async userOfKey(digest: Buffer): Promise<Principal | undefined> {
    const found = await this.accounts.findKeyByDigest(digest.toString('hex'));
    if (!found) return undefined;
    this.touch(found.key.id);
    return { kind: 'user', userId: found.user.id, email: found.user.email, keyId: found.key.id };
  }

  /** The principal of a Bearer token; throws 401 (invalid_authentication) when it is bad, expired or used from elsewhere. */
  async fromToken(token: string, ip: string): Promise<Principal> {
    const payload = verifyToken(token, this.tokenSecret);
    if (!payload) throw tokenError('The token is not valid');
    if (payload.exp * 1000 <= this.now().getTime())
      throw tokenError('The token has expired; get a new one from /user/apikeys/token');
    if (payload.ips && !ipAllowed(ip, payload.ips)) throw tokenError(`The token may not be used from ${ip}`);
    const keys = await this.accounts.findKeyById(payload.id);
    if (!keys) throw tokenError('The API key this token was made from no longer exists');
    this.touch(keys.key.id);
    return { kind: 'user', userId: keys.user.id, email: keys.user.email, keyId: keys.key.id, token: payload };
  }

  private touch(keyId: string): void {
    // Record use at most once a minute per key: a write per request would cost every read.
    const now = this.now().getTime();
    if ((this.touched.get(keyId) ?? 0) + TOUCH_EVERY_MS > now) return;
    this.touched.set(keyId, now);
    void this.accounts.touchKey(keyId, this.now()).catch(() => {});
  }

  async membership(principal: Principal, org: Organization): Promise<Membership | undefined> {
    if (principal.kind !== 'user') return undefined;
    const membership = await this.accounts.findMembership(org.id, principal.userId);
    return membership?.active ? membership : undefined;
  }

  /** Whether `principal`, with `membership` (its active one in the organization, or none), may do the organization permission. */
  grants(principal: Principal, permission: Permission, membership: Membership | undefined): boolean {
    return principal.kind === 'root' || (membership !== undefined && rolesGrant(membership.roles, permission));
  }

  /** Whether `principal` may do `permission`, in `org` for organization permissions. */
  async isAllowed(principal: Principal, permission: Permission, org?: Organization): Promise<boolean> {
    if (principal.kind === 'root') return true;
    if (!org) {
      if (permission === 'user:keys') return this.mayManageKeys(principal);
      return PERMISSION_ROLES[permission] === 'any-user';
    }
    return this.grants(principal, permission, await this.membership(principal, org));
  }

  async mayManageKeys(principal: Principal): Promise<boolean> {
    if (principal.kind === 'root') return false;
    const memberships = await this.accounts.listMembershipsOfUser(principal.userId);
    return !memberships.some((m) => m.roles.some((r) => KEY_MANAGEMENT_BLOCKERS.includes(r)));
  }
}
