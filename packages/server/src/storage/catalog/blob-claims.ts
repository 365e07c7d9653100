// Garbage-collection safety for blobs, decided in the catalog rather than by
// file-system tricks an object store lacks.
//
// Blobs are shared and content-addressed, and an upload writes its blob
// before the rows that use it. So the sweep, which removes blobs no row
// uses, could remove a blob that an upload has just put (or found already
// there) but not yet written its rows for; that upload would then
// acknowledge an image whose bytes are gone. Claims close that window:
//
// - An upload claims its keys for commit before it puts the blobs, and
//   releases them only after its rows are committed (or it failed).
// - The sweep claims a key for deletion only while no upload holds a commit
//   claim on it, checks in the same step that no row uses it, deletes the
//   blob, then releases. An upload that claims a key being deleted waits
//   until the deletion is over, then puts the blob again.
//
// Either the sweep's claim comes first (the upload waits, and re-puts the
// bytes after the delete), or the upload's does (the sweep leaves the key
// alone); an upload that released before the sweep's claim has its rows
// committed, and the sweep's row check sees them.

/** A claim left by a crashed node stops protecting (or blocking) after these. */
export const STALE_COMMIT_CLAIM_MS = 60 * 60_000;
export const STALE_DELETE_CLAIM_MS = 10 * 60_000;

/** How long an upload waits for a sweep to finish deleting a blob it wants to commit. */
export const DELETE_WAIT_MS = 2 * 60_000;

export interface BlobClaims {
  /**
   * Claims `keys` for an upload about to put them, then resolves once no
   * sweep is deleting any of them (rejects with StorageUnavailableError
   * after DELETE_WAIT_MS). Every call must be followed by releaseCommit.
   */
  claimForCommit(keys: readonly string[]): Promise<void>;
  /**
   * Ends an upload's claims, after its rows are committed or it failed.
   * Returns the keys whose claim was gone (a crashed database forgot it, or
   * it went stale): a sweep may have deleted such a blob meanwhile, so an
   * upload whose rows now use it claims it again and puts it back if missing.
   */
  releaseCommit(keys: readonly string[]): Promise<string[]>;
  /**
   * For the sweep: claims `key` for deletion if no upload is committing it,
   * no other sweep is deleting it and no image row (live or deleted) uses
   * it. True when claimed; the caller deletes the blob, then releaseDelete.
   */
  claimForDelete(key: string): Promise<boolean>;
  releaseDelete(key: string): Promise<void>;
}
