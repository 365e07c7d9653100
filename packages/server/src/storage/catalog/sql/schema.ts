// Row types of the catalog tables, as Kysely sees them. Times are integer
// milliseconds since the epoch; booleans are 0/1 integers; JSON is text.

import type { Generated } from 'kysely';

export interface OrganizationsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  display_name: string;
  billing_email: string;
  master_organization: string;
  options: string;
  created: number;
}

export interface ImagesTable {
  id: Generated<number>;
  org_id: number;
  hash: string;
  short_hash: string;
  binary_hash: string;
  blob_key: string;
  name: string;
  format: string;
  mimetype: string;
  size: number;
  width: number;
  height: number;
  opaque: number;
  animated: number;
  protected: number;
  locked: number;
  created: number;
  deleted_at: number | null;
  user_metadata: string;
  dynamic_metadata: string;
  static_metadata: string;
}

export interface UserFieldsTable {
  image_id: number;
  org_id: number;
  name: string;
  type: string;
  seq: number;
  str: string | null;
  num: number | null;
}

/** Words of names and values of dynamic/static metadata, for search (see images/search-terms.ts). */
export interface SearchTermsTable {
  image_id: number;
  org_id: number;
  name: string;
  seq: number;
  str: string | null;
  num: number | null;
}

/** Live images per organization, kept by triggers (migration 0004). */
export interface OrgImageCountsTable {
  org_id: number;
  live: number;
}

export interface UsersTable {
  id: string;
  email: string | null;
  created: number;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  digest: string;
  comment: string | null;
  created: number;
  accessed: number | null;
}

export interface MembershipsTable {
  org_id: number;
  user_id: string;
  /** JSON array of role names. */
  roles: string;
  active: number;
  comment: string | null;
  created: number;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface BlobClaimsTable {
  blob_key: string;
  /** Uploads committing this blob now. */
  commits: number;
  /** Last claim or release (ms), to tell claims left by a crashed node. */
  touched: number;
  /** When a sweep began deleting the blob (ms); null when none is. */
  deleting_since: number | null;
}

/** A caller's shared rate-limit bucket (migration 0007, sql/rate-buckets.ts). */
export interface RateBucketsTable {
  caller: string;
  /** Tokens left after the last lease, fractional. */
  tokens: number;
  /** When the bucket was last refilled, epoch milliseconds. */
  at: number;
  /** Tokens the last lease took. */
  granted: number;
}

/** A named stack (migration 0008, sql/sql-stacks.ts). */
export interface StacksTable {
  org_id: number;
  name: string;
  /** JSON of the StackDefinition (render/model.ts). */
  definition: string;
  created: number;
  updated: number;
  /** Bumped by DELETE /stacks/{org}/{name}/cache: part of every render cache key of the stack. */
  cache_generation: Generated<number>;
}

/** An organization's render signing keys (migration 0008); seq 0 is the first. */
export interface SigningKeysTable {
  org_id: number;
  seq: number;
  key: string;
  created: number;
}

export interface Database {
  organizations: OrganizationsTable;
  images: ImagesTable;
  user_fields: UserFieldsTable;
  search_terms: SearchTermsTable;
  org_image_counts: OrgImageCountsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  memberships: MembershipsTable;
  settings: SettingsTable;
  blob_claims: BlobClaimsTable;
  rate_buckets: RateBucketsTable;
  stacks: StacksTable;
  signing_keys: SigningKeysTable;
}

export type Dialect = 'sqlite' | 'postgres';
