// The catalog: what images exist in which organization, and their metadata.
// This interface is all that service/ knows of it; storage/catalog/sql/
// implements it through Kysely on SQLite or PostgreSQL.

import type { Search, SortPosition } from '../../images/search-query.ts';

export type JsonObject = { [key: string]: unknown };

export interface Organization {
  id: number;
  uuid: string;
  name: string;
  displayName: string;
  billingEmail: string;
  masterOrganization: string;
  options: JsonObject;
  created: Date;
}

export interface NewOrganization {
  name: string;
  displayName: string;
  billingEmail: string;
  masterOrganization: string;
}

export interface ImageRecord {
  id: number;
  orgId: number;
  hash: string;
  shortHash: string;
  binaryHash: string;
  blobKey: string;
  name: string;
  format: string;
  mimetype: string;
  size: number;
  width: number;
  height: number;
  opaque: boolean;
  animated: boolean;
  protected: boolean;
  locked: boolean;
  created: Date;
  deletedAt: Date | null;
  userMetadata: JsonObject;
  dynamicMetadata: JsonObject;
  staticMetadata: JsonObject;
}

/** One row of the typed user-metadata index (see images/user-metadata.ts). */
export interface IndexRow {
  name: string;
  type: string;
  seq: number;
  str: string | null;
  num: number | null;
}

export type NewImage = Omit<ImageRecord, 'id' | 'orgId' | 'shortHash' | 'locked' | 'created' | 'deletedAt'> & {
  userFieldRows: IndexRow[];
};

/** An image for importImages: a NewImage with its own creation time. */
export type ImportedImage = NewImage & { created: Date };

/**
 * New user metadata and its index rows, computed from the current metadata
 * inside a transaction. `previous`, when given, are the index rows of the
 * current metadata: the catalog then compares the new rows with them instead
 * of reading the stored rows back (index rows are a pure function of the
 * metadata; a stored row count that differs falls back to reading).
 */
export type MetadataUpdate = (current: JsonObject) => { metadata: JsonObject; rows: IndexRow[]; previous?: IndexRow[] };

/** What a derived image (new dynamic metadata or protection) is. */
export interface DerivedTarget {
  hash: string;
  dynamicMetadata: JsonObject;
  protected: boolean;
}

export type CopyResult =
  | { outcome: 'created' | 'overwritten' | 'restored'; image: ImageRecord }
  | 'source_not_found'
  | 'exists'
  | 'destination_locked';

export type DeriveResult =
  | { image: ImageRecord; outcome: 'created' | 'existing' | 'restored' }
  | 'source_not_found'
  | 'source_locked';

export interface SavedImage {
  image: ImageRecord;
  /** False when the hash existed already (de-duplicated upload). */
  created: boolean;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface ImageList {
  total: number;
  items: ImageRecord[];
}

/** A parsed search (images/search-query.ts) and the start of the restore window for deleted=true. */
export interface SearchQuery extends Search {
  deletedSince: Date;
}

export interface FacetCounts {
  /** The facet as requested, e.g. `user:array:tags`. */
  key: string;
  /** Most frequent first, then by value; at most 1000. */
  values: { value: string; count: number }[];
}

export interface SearchResult {
  /** Every match, not just this page. */
  total: number;
  items: ImageRecord[];
  /** More matches follow this page. */
  hasMore: boolean;
  /** Keyset position of the last item, for the cursor. */
  last?: SortPosition;
  facets: FacetCounts[];
}

export type ChangeResult = 'ok' | 'not_found' | 'locked';

/** Thrown when a write would store a different blob under an existing image hash. */
export class HashCollisionError extends Error {
  constructor(readonly hash: string) {
    super(`image hash ${hash} already names different bytes`);
    this.name = 'HashCollisionError';
  }
}

export class OrganizationExistsError extends Error {
  constructor(readonly orgName: string) {
    super(`organization ${orgName} exists`);
    this.name = 'OrganizationExistsError';
  }
}

/** A blob key and the image rows (live or deleted) that use it. */
export interface BlobUsers {
  key: string;
  images: { orgName: string; hash: string; size: number; deleted: boolean }[];
}

/** An image whose last row the sweep purged: its organization's name and its hash. */
export interface PurgedImage {
  orgName: string;
  hash: string;
}

export interface Catalog {
  /** With `adminUserId`, that user becomes the organization's admin in the same transaction. */
  createOrganization(org: NewOrganization, now: Date, adminUserId?: string): Promise<Organization>;
  findOrganization(name: string): Promise<Organization | undefined>;
  /**
   * Read-modify-write of an organization's options, atomic against other
   * writers of them (on any node). Returns the organization as stored.
   */
  updateOrganizationOptions(orgId: number, update: (current: JsonObject) => JsonObject): Promise<Organization>;

  /** By full hash or exact short hash; deleted ones only when asked. */
  findImage(orgId: number, hashOrShortHash: string, includeDeleted: boolean): Promise<ImageRecord | undefined>;
  /**
   * Stores uploaded images in one transaction. An image whose hash exists in
   * the org is not duplicated: it is restored if deleted and its user
   * metadata gets the new fields merged in.
   */
  saveUploadedImages(
    orgId: number,
    images: NewImage[],
    now: Date,
    mergeUserMetadata: (
      existing: JsonObject,
      incoming: NewImage,
      existingLocked: boolean,
    ) => ReturnType<MetadataUpdate>,
  ): Promise<SavedImage[]>;
  /** Read-modify-write of a live image's user metadata; refused when locked. Returns the metadata stored. */
  updateUserMetadata(orgId: number, hash: string, update: MetadataUpdate): Promise<JsonObject | 'not_found' | 'locked'>;
  /**
   * Makes (or finds, or restores) the image `target` derived from the live
   * image `sourceHash`: a new one copies the source's bytes, name, created,
   * user and static metadata. With deletePrevious the source is then
   * soft-deleted (refused when locked, before anything changes).
   */
  deriveImage(
    orgId: number,
    sourceHash: string,
    target: DerivedTarget,
    options: { deletePrevious: boolean; now: Date },
  ): Promise<DeriveResult>;
  /**
   * Copies a live image to another organization under the same hash,
   * sharing its blob. An existing live image there is overwritten (name and
   * metadata) only with `overwrite`; a deleted one is replaced and restored.
   */
  copyImage(
    sourceOrgId: number,
    hash: string,
    destOrgId: number,
    options: { overwrite: boolean; now: Date },
  ): Promise<CopyResult>;
  /** Replaces the dynamic metadata of a live image without changing its hash (keepHash). */
  setDynamicMetadataInPlace(
    orgId: number,
    hash: string,
    dynamicMetadata: JsonObject,
  ): Promise<ImageRecord | 'not_found' | 'locked'>;
  /**
   * Bulk load (imports, benchmarks): inserts the images whose hash is new in
   * the organization, in one transaction and few statements; nothing is
   * merged or restored. Returns how many were inserted.
   */
  importImages(orgId: number, images: ImportedImage[]): Promise<number>;
  /** Filters, sort, keyset or offset paging, exact total and facets (issue 4; see docs/reference/search.md). */
  searchImages(orgId: number, query: SearchQuery): Promise<SearchResult>;
  findByBinaryHash(orgId: number, binaryHash: string, page: Page): Promise<ImageList>;

  softDelete(orgId: number, hash: string, now: Date): Promise<ChangeResult>;
  /** Deletes every live image with that binary hash, or none when one is locked. */
  softDeleteByBinaryHash(
    orgId: number,
    binaryHash: string,
    now: Date,
  ): Promise<{ result: ChangeResult; count: number }>;
  /** Un-deletes when deleted at or after `deletedSince`; a live image is returned as it is. */
  restore(orgId: number, hash: string, deletedSince: Date): Promise<ImageRecord | undefined>;
  rename(orgId: number, hash: string, name: string): Promise<ImageRecord | undefined>;
  setLocked(orgId: number, hash: string, locked: boolean): Promise<ImageRecord | undefined>;

  /**
   * Removes up to `batchSize` rows deleted before `cutoff`; returns the
   * images removed, so that what hangs on them outside the catalog (their
   * renders) can go too. No row of these (organization, hash) is left.
   */
  purgeDeletedBefore(cutoff: Date, batchSize: number): Promise<PurgedImage[]>;
  /** The subset of `keys` that some image row (live or deleted) still uses. */
  blobKeysInUse(keys: string[]): Promise<Set<string>>;
  /** Up to `limit` blob keys some row uses, in key order after `afterKey`, each with its rows (for the scrub). */
  blobUsers(afterKey: string | undefined, limit: number): Promise<BlobUsers[]>;

  close(): Promise<void>;
}
