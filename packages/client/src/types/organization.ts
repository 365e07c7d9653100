// Organizations: the tenants of origo, each with its options and the keys
// that sign its render URLs.

import type { Timestamp } from './source-image.ts';

export interface SigningKey {
  /** Signs render URLs: `sig` = first 16 hex of sha256(path and query + ":" + key). */
  key: string;
  created: Timestamp;
}

/** The options an organization has set; more may come from newer servers. */
export interface OrganizationOptions {
  /** Unsigned `dynamic` renders are refused (403). */
  protect_dynamic_stack?: boolean;
  [name: string]: unknown;
}

export type OrganizationOptionName = 'protect_dynamic_stack';

export interface Organization {
  /** A UUID. */
  id: string;
  /** `[a-z0-9-]`. */
  name: string;
  display_name: string;
  billing_email: string;
  created: Timestamp;
  /** Its own name unless set otherwise. */
  master_organization: string;
  options: OrganizationOptions;
  /** Empty for roles that may not sign (upload, sourceimages:*, billing:read). */
  signing_keys: SigningKey[];
}

/** The body of `PUT /organizations/{name}`. */
export interface OrganizationInput {
  billing_email?: string;
  display_name?: string;
  master_organization?: string;
}
