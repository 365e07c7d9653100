// Users, API keys, memberships and server settings: who may do what in which
// organization. storage/catalog/sql/sql-accounts.ts implements it on the
// same database as the catalog.

import type { NewOrganization, Organization } from './catalog.ts';

export const ROLES = [
  'admin',
  'write',
  'read',
  'upload',
  'sourceimages:read',
  'sourceimages:write',
  'sourceimages:unlock',
  'sourceimages:download:protected',
  'billing:read',
] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string | null;
  created: Date;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  comment: string | null;
  created: Date;
  accessed: Date | null;
}

export interface Membership {
  orgId: number;
  userId: string;
  email: string | null;
  roles: Role[];
  active: boolean;
  comment: string | null;
  created: Date;
}

/** One organization a user is an active member of, by name (GET /user/organizations). */
export interface UserOrganization {
  organization: string;
  roles: Role[];
}

export interface NewAccount {
  email: string | null;
  /** Hex SHA-256 of the new key. */
  keyDigest: string;
  keyComment: string | null;
  /** A membership to create with the user, in the same transaction. */
  membership?: { orgId: number; roles: Role[]; comment: string | null };
  /** Or a new organization the user administers, in the same transaction (sign-up). */
  organization?: NewOrganization;
}

export type PutMembershipResult =
  | { membership: Membership; outcome: 'created' | 'updated' | 'unchanged' }
  | 'user_not_found'
  | 'last_admin';

/** What a lease from a shared rate-limit bucket gave (storage/catalog/sql/rate-buckets.ts). */
export interface RateLease {
  /** Tokens taken for the caller: 0 when the bucket had less than one. */
  granted: number;
  /** Tokens left in the bucket after the lease (fractional). */
  tokens: number;
}

export interface Accounts {
  /** Creates a user with one API key (and optionally a membership) atomically. */
  createAccount(
    account: NewAccount,
    now: Date,
  ): Promise<{ user: User; key: ApiKeyRecord; membership?: Membership; organization?: Organization }>;
  findUser(id: string): Promise<User | undefined>;
  /** The key with this digest and its user. */
  findKeyByDigest(digestHex: string): Promise<{ key: ApiKeyRecord; user: User } | undefined>;
  findKeyById(keyId: string): Promise<{ key: ApiKeyRecord; user: User } | undefined>;
  listKeys(userId: string): Promise<ApiKeyRecord[]>;
  /** Adds a key unless the user has `maxKeys` already. */
  addKey(
    userId: string,
    digestHex: string,
    comment: string | null,
    now: Date,
    maxKeys: number,
  ): Promise<ApiKeyRecord | 'too_many'>;
  deleteKey(userId: string, keyId: string): Promise<boolean>;
  /** Records the key's use at `now`, unless it was recorded less than a minute before. */
  touchKey(keyId: string, now: Date): Promise<void>;

  findMembership(orgId: number, userId: string): Promise<Membership | undefined>;
  listMemberships(orgId: number): Promise<Membership[]>;
  listMembershipsOfUser(userId: string): Promise<Membership[]>;
  /** The organizations the user is an active member of, sorted by name (code-unit order on every dialect). */
  listOrganizationsOfUser(userId: string): Promise<UserOrganization[]>;
  /** Creates or changes roles; refused when it would leave the org without an active admin. */
  putMembership(
    orgId: number,
    userId: string,
    roles: Role[],
    comment: string | null | undefined,
    now: Date,
  ): Promise<PutMembershipResult>;
  deleteMembership(orgId: number, userId: string): Promise<'ok' | 'not_found' | 'last_admin'>;

  /**
   * Takes up to `want` tokens from the caller's bucket shared by every node
   * (`perMinute` tokens at most, refilled at perMinute a minute).
   */
  leaseRateTokens(caller: string, want: number, perMinute: number, now: Date): Promise<RateLease>;
  /** Forgets the buckets idle for a minute (full again); returns how many. */
  forgetIdleRateBuckets(now: Date): Promise<number>;

  /** A server-wide setting, created with `make()` the first time it is asked for. */
  setting(name: string, make: () => string): Promise<string>;
}
