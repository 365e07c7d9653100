// Users, their API keys and their memberships in organizations.

import type { Timestamp } from './source-image.ts';

/** The roles a membership can grant. */
export type Role =
  | 'admin'
  | 'write'
  | 'read'
  | 'upload'
  | 'sourceimages:read'
  | 'sourceimages:write'
  | 'sourceimages:unlock'
  | 'sourceimages:download:protected'
  | 'billing:read';

/** An API key as listed: never the key itself. */
export interface ApiKey {
  id: string;
  comment: string | null;
  created: Timestamp;
  accessed?: Timestamp;
}

/** A key just made: the only answer that carries the key itself. */
export interface NewApiKey extends ApiKey {
  api_key: string;
}

/** `GET /user`: `email` and `api_keys` only for users who may manage keys. */
export interface User {
  user_id: string;
  email?: string | null;
  api_keys?: ApiKey[];
}

/** `POST /users`: the new user and its key, shown once. */
export interface CreatedUser {
  id: string;
  email: string | null;
  api_key: string;
}

/** `GET /user/apikeys/token`: a JWT for `Authorization: Bearer`. */
export interface Token {
  token: string;
  payload: {
    /** The API key the token was made from. */
    id: string;
    /** Expiry, unix seconds. */
    exp: number;
    /** The latest expiry a renewal may have, unix seconds. */
    expt: number;
    ips: string[] | null;
    /** Renewable. */
    rn: boolean;
    iat: number;
  };
}

export interface Membership {
  user_id: string;
  email: string | null;
  organization_id: string;
  /** {@link Role}s; a string so that roles of newer servers still read. */
  roles: string[];
  active: boolean;
  comment: string | null;
  created: Timestamp;
  /** Only when the call made the user: its key, shown once. */
  api_key?: string;
}

export interface MembershipList {
  total: number;
  items: Membership[];
}

/** One organization the calling user is an active member of, and its roles there. */
export interface UserOrganization {
  organization: string;
  /** {@link Role}s; a string so that roles of newer servers still read. */
  roles: string[];
}

/** `GET /user/organizations` (an origo extension): sorted by organization name; empty for the root key. */
export interface UserOrganizationList {
  items: UserOrganization[];
}
