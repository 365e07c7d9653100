// The migration of an install (the migrate command): accounts and settings
// first, then the images a batch of blobs at a time, each batch's blobs
// (verified on the way) put into the target before the rows that use them,
// and claimed meanwhile, so neither a target node's sweep nor its readers
// ever meet a migrated image without its bytes. Every step skips what the
// target already has, so a run cut off anywhere finishes on the next one.

import type { Kysely } from 'kysely';
import { eachAtMost } from '../each-at-most.ts';
import type { BlobStore } from '../storage/blobs/blob-store.ts';
import type { BlobClaims } from '../storage/catalog/blob-claims.ts';
import {
  advanceIdSequences,
  type BlobInUse,
  blobKeysAfter,
  COPIED_TABLES,
  copyAccounts,
  copyImagesOf,
  countBlobKeys,
  countSourceRows,
  expectOnlySourceAccounts,
  type TableCounts,
} from '../storage/catalog/sql/copy-tables.ts';
import type { Database, Dialect } from '../storage/catalog/sql/schema.ts';
import { type BlobEnds, type BlobOutcome, migrateBlob } from './migrate-blobs.ts';

export interface MigrationSource {
  db: Kysely<Database>;
  blobs: BlobStore;
}

export interface MigrationTarget {
  db: Kysely<Database>;
  dialect: Dialect;
  blobs: BlobStore;
  claims: BlobClaims;
  stagingDir: string;
}

export interface MigrationProblem {
  kind: 'missing' | 'damaged';
  key: string;
  /** What is wrong, for a person (empty for a missing blob). */
  detail: string;
  images: BlobInUse['images'];
}

export interface BlobCounts {
  /** Blobs the source's images use. */
  total: number;
  /** Looked at so far. */
  done: number;
  copied: number;
  copiedBytes: number;
  /** In the target already, at the right size. */
  present: number;
  missing: number;
  damaged: number;
}

export interface MigrationProgress {
  blobs: BlobCounts;
  /** Image rows of the source, and how many of them were handled so far. */
  imagesTotal: number;
  imagesDone: number;
  elapsedMs: number;
}

export interface MigrationReport extends MigrationProgress {
  tables: TableCounts;
  problems: MigrationProblem[];
}

export interface MigrationOptions {
  /** Blob keys per step; their images go into the target in one transaction. */
  batchSize?: number;
  /** Blobs copied at once. */
  concurrency?: number;
  progressIntervalMs?: number;
  onProgress?: (progress: MigrationProgress) => void;
  onProblem?: (problem: MigrationProblem) => void;
}

export async function migrate(
  source: MigrationSource,
  target: MigrationTarget,
  options: MigrationOptions = {},
): Promise<MigrationReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 8;
  const progressIntervalMs = options.progressIntervalMs ?? 2000;

  const sourceCounts = await countSourceRows(source.db);
  const tables = Object.fromEntries(
    COPIED_TABLES.map((t) => [t, { source: sourceCounts[t], copied: 0 }]),
  ) as TableCounts;
  const report: MigrationReport = {
    tables,
    blobs: {
      total: await countBlobKeys(source.db),
      done: 0,
      copied: 0,
      copiedBytes: 0,
      present: 0,
      missing: 0,
      damaged: 0,
    },
    imagesTotal: sourceCounts.images,
    imagesDone: 0,
    elapsedMs: 0,
    problems: [],
  };
  const progress = (): MigrationProgress => ({
    blobs: { ...report.blobs },
    imagesTotal: report.imagesTotal,
    imagesDone: report.imagesDone,
    elapsedMs: performance.now() - started,
  });

  await expectOnlySourceAccounts(source.db, target.db);
  await advanceIdSequences(source.db, target.db, target.dialect);
  await copyAccounts(source.db, target.db, tables);

  const ends: BlobEnds = { source: source.blobs, target: target.blobs, stagingDir: target.stagingDir };
  let lastProgress = performance.now();
  let after: string | undefined;
  for (;;) {
    const batch = await blobKeysAfter(source.db, after, batchSize);
    if (batch.length === 0) break;
    const keys = batch.map((b) => b.key);
    const outcomes = await copyBatch(ends, target, batch, concurrency, () =>
      copyImagesOf(source.db, target.db, keys, tables),
    );
    batch.forEach((blob, i) => {
      const outcome = outcomes[i]!;
      report.blobs.done++;
      if (outcome.kind === 'present') report.blobs.present++;
      else if (outcome.kind === 'copied') {
        report.blobs.copied++;
        report.blobs.copiedBytes += outcome.bytes;
      } else {
        report.blobs[outcome.kind]++;
        const problem = {
          kind: outcome.kind,
          key: blob.key,
          detail: outcome.kind === 'damaged' ? outcome.detail : '',
          images: blob.images,
        };
        report.problems.push(problem);
        options.onProblem?.(problem);
      }
      report.imagesDone += blob.images.length;
    });
    if (options.onProgress && performance.now() - lastProgress >= progressIntervalMs) {
      lastProgress = performance.now();
      options.onProgress(progress());
    }
    if (batch.length < batchSize) break;
    after = keys[keys.length - 1];
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

/**
 * A batch's blobs, then its rows, with the blobs claimed for commit the
 * whole time (as an upload does, service/commit-blobs.ts): a target node's
 * sweep must not delete a blob put (or found) here before its rows exist.
 * A missing or damaged blob does not hold its images back: their rows are
 * copied (the target then answers for them as the source did), the blob is
 * reported, and a run after it is repaired in the source puts it.
 */
async function copyBatch(
  ends: BlobEnds,
  target: MigrationTarget,
  batch: BlobInUse[],
  concurrency: number,
  copyRows: () => Promise<void>,
): Promise<BlobOutcome[]> {
  const keys = batch.map((b) => b.key);
  await target.claims.claimForCommit(keys);
  let outcomes: BlobOutcome[];
  try {
    outcomes = await eachAtMost(batch, concurrency, (blob) => migrateBlob(ends, blob.key, blob.sizes));
    await copyRows();
  } catch (err) {
    await target.claims.releaseCommit(keys).catch(() => {});
    throw err;
  }
  const lost = await target.claims.releaseCommit(keys);
  if (lost.length > 0) {
    // The database forgot these claims (see BlobClaims.releaseCommit): a sweep may have taken a blob before its rows were in.
    await target.claims.claimForCommit(lost);
    try {
      for (const blob of batch.filter((b) => lost.includes(b.key))) await migrateBlob(ends, blob.key, blob.sizes);
    } finally {
      await target.claims.releaseCommit(lost).catch(() => {});
    }
  }
  return outcomes;
}
