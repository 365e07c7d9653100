// Users, API keys, tokens and memberships (spec §6.1, §6.4, §6.5).

import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { OrigoError } from '../errors.ts';
import {
  type ApiKeyRecord,
  type Membership,
  ROLES,
  type Role,
  type UserOrganization,
} from '../storage/catalog/accounts.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import { generateApiKey, keyDigest, type Principal } from './auth.ts';
import { badBody, isEmail, objectBody, optionalString } from './body.ts';
import type { ServiceDeps } from './deps.ts';
import { creatingOrganization, requireValidOrganizationName } from './organizations.ts';
import { signToken, type TokenPayload } from './tokens.ts';

const MAX_KEYS_PER_USER = 5;

const objectLike = (body: unknown, example: string) =>
  objectBody(body, `The body must be a JSON object, e.g. ${example}`);
const optionalText = (body: Record<string, unknown>, field: string, max: number) =>
  optionalString(body, field, max) ?? null;

function email(body: Record<string, unknown>): string {
  const value = body['email'];
  if (typeof value !== 'string' || !isEmail(value) || value.length > 254) {
    throw badBody('email must be an e-mail address');
  }
  return value;
}

function parseRoles(body: Record<string, unknown>): Role[] {
  const raw = body['roles'] ?? (body['role'] === undefined ? undefined : [body['role']]);
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new OrigoError(
      'ORIGO_ERR_MEMBERSHIP_BAD_ROLES',
      `Give roles as {"roles": [...]} with one or more of ${ROLES.join(', ')}`,
    );
  }
  for (const role of raw) {
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new OrigoError(
        'ORIGO_ERR_MEMBERSHIP_BAD_ROLES',
        `Unknown role ${JSON.stringify(role)}; roles are ${ROLES.join(', ')}`,
      );
    }
  }
  // A set, in one order, whichever route stores it: PUT compares it with the stored roles.
  return [...new Set(raw as Role[])].sort();
}

export interface CreatedUser {
  id: string;
  email: string | null;
  api_key: string;
}

/** POST /users: a user, its first key, and a new organization it administers. */
export async function signUp(deps: ServiceDeps, principal: Principal | undefined, body: unknown): Promise<CreatedUser> {
  if (!deps.config.openSignup && principal?.kind !== 'root') {
    throw new OrigoError(
      'ORIGO_ERR_AUTH_SIGNUP_CLOSED',
      'Sign-up is closed on this server: ask its operator (root key) to create your user',
    );
  }
  const input = objectLike(body, '{"email": "you@example.com", "organization": "myorg"}');
  const address = email(input);
  const orgName = input['organization'];
  if (typeof orgName !== 'string') throw badBody('organization must be the name of the organization to create');
  // Checked before the user is made: a refused sign-up must leave no user behind.
  requireValidOrganizationName(orgName);
  const key = generateApiKey();
  const { user } = await creatingOrganization(orgName, () =>
    deps.accounts.createAccount(
      {
        email: address,
        keyDigest: keyDigest(key).toString('hex'),
        keyComment: null,
        organization: { name: orgName, displayName: orgName, billingEmail: address, masterOrganization: orgName },
      },
      deps.now(),
    ),
  );
  return { id: user.id, email: user.email, api_key: key };
}

/** What GET /user shows: the id, and the e-mail and keys only to users who may manage keys. */
export async function describeUser(
  deps: ServiceDeps,
  principal: Principal,
  mayManageKeys: boolean,
): Promise<{ userId: string; email?: string | null; keys?: ApiKeyRecord[] }> {
  if (principal.kind === 'root') return { userId: 'root' };
  if (!mayManageKeys) return { userId: principal.userId };
  return { userId: principal.userId, email: principal.email, keys: await listKeys(deps, principal) };
}

/**
 * GET /user/organizations (an origo extension): the organizations the caller
 * is an active member of. The root key is no user and a member of none: it
 * gets an empty list (it reaches every organization without a membership).
 */
export async function listUserOrganizations(deps: ServiceDeps, principal: Principal): Promise<UserOrganization[]> {
  if (principal.kind === 'root') return [];
  return deps.accounts.listOrganizationsOfUser(principal.userId);
}

function userOf(principal: Principal): Extract<Principal, { kind: 'user' }> {
  if (principal.kind !== 'user')
    throw new OrigoError('ORIGO_ERR_AUTH_FORBIDDEN', 'The root key has no API keys or tokens of its own');
  return principal;
}

export async function listKeys(deps: ServiceDeps, principal: Principal) {
  return deps.accounts.listKeys(userOf(principal).userId);
}

export async function currentKey(deps: ServiceDeps, principal: Principal) {
  const user = userOf(principal);
  const found = await deps.accounts.findKeyById(user.keyId);
  if (!found) throw new OrigoError('ORIGO_ERR_KEY_NOT_FOUND', 'The key of this request no longer exists');
  return found.key;
}

export async function addKey(deps: ServiceDeps, principal: Principal, body: unknown) {
  const user = userOf(principal);
  const comment = optionalText(objectLike(body, '{"comment": "CI uploads"}'), 'comment', 255);
  const key = generateApiKey();
  const record = await deps.accounts.addKey(
    user.userId,
    keyDigest(key).toString('hex'),
    comment,
    deps.now(),
    MAX_KEYS_PER_USER,
  );
  if (record === 'too_many') {
    throw new OrigoError(
      'ORIGO_ERR_KEY_LIMIT',
      `A user can have at most ${MAX_KEYS_PER_USER} API keys; delete one first`,
    );
  }
  return { record, apiKey: key };
}

export async function deleteKey(deps: ServiceDeps, principal: Principal, keyId: string): Promise<void> {
  const user = userOf(principal);
  if (keyId === user.keyId) {
    throw new OrigoError(
      'ORIGO_ERR_KEY_IN_USE',
      'The API key this request was made with cannot delete itself; use another key',
    );
  }
  if (!(await deps.accounts.deleteKey(user.userId, keyId))) {
    throw new OrigoError('ORIGO_ERR_KEY_NOT_FOUND', `You have no API key ${JSON.stringify(keyId)}`);
  }
}

const TOKEN_DEFAULT_SECONDS = 86_400;
const TOKEN_MAX_SECONDS = 30 * 86_400;
const RENEWABLE_LIFETIME_SECONDS = 365 * 86_400;

export interface TokenRequest {
  expiresIn?: string;
  renewable?: boolean;
  noIpProtection?: boolean;
  ips?: string;
}

/** GET /user/apikeys/token: a signed token for the caller's key, or a renewal of the caller's token. */
export async function issueToken(
  deps: ServiceDeps,
  principal: Principal,
  request: TokenRequest,
  clientIp: string,
  secret: Buffer,
): Promise<{ token: string; payload: TokenPayload }> {
  const user = userOf(principal);
  if (user.token && !user.token.rn) {
    throw new OrigoError(
      'ORIGO_ERR_AUTH_TOKEN_NOT_RENEWABLE',
      'This token is not renewable: get a new one with your API key',
    );
  }
  let seconds = TOKEN_DEFAULT_SECONDS;
  if (request.expiresIn !== undefined) {
    if (
      !/^\d+$/.test(request.expiresIn) ||
      Number(request.expiresIn) < 1 ||
      Number(request.expiresIn) > TOKEN_MAX_SECONDS
    ) {
      throw new OrigoError(
        'ORIGO_ERR_REQUEST_BAD_PARAMETER',
        `expires_in must be a number of seconds from 1 to ${TOKEN_MAX_SECONDS}`,
      );
    }
    seconds = Number(request.expiresIn);
  }
  if (request.noIpProtection && request.ips !== undefined) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_PARAMETER', 'no_ip_protection=true and ips cannot be used together');
  }
  let ips: string[] | null = [clientIp];
  if (request.noIpProtection) ips = null;
  else if (request.ips !== undefined) {
    ips = request.ips.split(',').map((ip) => (ip.trim() === 'request_ip' ? clientIp : ip.trim()));
    if (ips.length === 0 || ips.length > 10 || ips.some((ip) => net.isIP(ip.split('/')[0] ?? '') === 0)) {
      throw new OrigoError(
        'ORIGO_ERR_REQUEST_BAD_PARAMETER',
        'ips must be 1 to 10 comma-separated addresses or CIDR ranges (request_ip for yours)',
      );
    }
  }
  const now = Math.floor(deps.now().getTime() / 1000);
  // A renewal keeps the chain's limit; a fresh renewable token may be renewed for a year.
  const expt = user.token ? user.token.expt : request.renewable ? now + RENEWABLE_LIFETIME_SECONDS : now + seconds;
  const payload: TokenPayload = {
    id: user.keyId,
    exp: Math.min(now + seconds, expt),
    expt,
    ips,
    rn: user.token ? user.token.rn : request.renewable === true,
    iat: now,
  };
  return { token: signToken(payload, secret), payload };
}

export function newTokenSecret(): string {
  return randomBytes(32).toString('hex');
}

export async function getMembership(deps: ServiceDeps, org: Organization, userId: string): Promise<Membership> {
  const membership = await deps.accounts.findMembership(org.id, userId);
  if (!membership) {
    throw new OrigoError(
      'ORIGO_ERR_MEMBERSHIP_NOT_FOUND',
      `User ${userId} is not a member of organization ${org.name}`,
    );
  }
  return membership;
}

function lastAdmin(org: Organization): OrigoError {
  return new OrigoError(
    'ORIGO_ERR_MEMBERSHIP_LAST_ADMIN',
    `Organization ${org.name} must keep at least one active admin`,
  );
}

export async function putMembership(deps: ServiceDeps, org: Organization, userId: string, body: unknown) {
  const input = objectLike(body, '{"roles": ["read"]}');
  const roles = parseRoles(input);
  const comment = input['comment'] === undefined ? undefined : optionalText(input, 'comment', 255);
  const result = await deps.accounts.putMembership(org.id, userId, roles, comment, deps.now());
  if (result === 'user_not_found')
    throw new OrigoError('ORIGO_ERR_USER_NOT_FOUND', `There is no user ${JSON.stringify(userId)}`);
  if (result === 'last_admin') throw lastAdmin(org);
  return result;
}

/** POST …/memberships: a new user with a key and a membership, made at once. */
export async function createMemberUser(deps: ServiceDeps, org: Organization, body: unknown) {
  const input = objectLike(body, '{"roles": ["upload"], "comment": "CI"}');
  const roles = parseRoles(input);
  const comment = optionalText(input, 'comment', 255);
  const key = generateApiKey();
  const { membership } = await deps.accounts.createAccount(
    {
      email: null,
      keyDigest: keyDigest(key).toString('hex'),
      keyComment: comment,
      membership: { orgId: org.id, roles, comment },
    },
    deps.now(),
  );
  return { membership: membership!, apiKey: key };
}

export async function deleteMembership(deps: ServiceDeps, org: Organization, userId: string): Promise<void> {
  const result = await deps.accounts.deleteMembership(org.id, userId);
  if (result === 'not_found') {
    throw new OrigoError(
      'ORIGO_ERR_MEMBERSHIP_NOT_FOUND',
      `User ${userId} is not a member of organization ${org.name}`,
    );
  }
  if (result === 'last_admin') throw lastAdmin(org);
}
